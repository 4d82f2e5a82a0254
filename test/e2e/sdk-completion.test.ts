/**
 * Issue 9, items 2 and 9, through Feldera's own Python SDK (v0.312, ../shared/clients): its
 * `wait_for_completion()` returns for a datagen pipeline once a paused connector has been
 * resumed and both have finished, and for a pipeline fed only over HTTP; its connector calls
 * (`pause_connector`, `resume_connector`, `input_connector_stats`) work. Skipped, with the
 * reason, where the SDK's Python environment cannot be prepared or ../shared is absent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { sdkPython } from '../helpers/sdk-python.js';

const clients = join(process.cwd(), '..', 'shared', 'clients');

const SCRIPT = `
import sys, time
from feldera import FelderaClient, PipelineBuilder
from feldera.runtime_config import RuntimeConfig

def check(cond, what, got=None):
    if not cond:
        raise AssertionError(f"expected {what}" + ("" if got is None else f", got {got!r}"))

client = FelderaClient(sys.argv[1])
SQL = """
CREATE TABLE t (id INT NOT NULL, v VARCHAR) WITH ('materialized' = 'true', 'connectors' = '[
  {"name": "gen", "transport": {"name": "datagen", "config": {"seed": 1, "plan": [{"limit": 500, "fields": {"v": {"strategy": "word"}}}]}}},
  {"name": "later", "paused": true, "transport": {"name": "datagen", "config": {"plan": [{"limit": 100}]}}}
]');
"""
p = PipelineBuilder(client, "sdk-datagen", SQL, runtime_config=RuntimeConfig.default()).create_or_replace()
p.start()
time.sleep(1.5)
check(p.is_complete() is False, "not complete while a connector is paused", p.is_complete())
check(list(p.query("SELECT COUNT(*) AS n FROM t")) == [{"n": 500}], "the running connector's 500 rows")
p.resume_connector("t", "later")
p.wait_for_completion(timeout_s=60)
check(p.is_complete() is True, "complete")
check(list(p.query("SELECT COUNT(*) AS n FROM t")) == [{"n": 600}], "600 rows in all")
gen = p.input_connector_stats("t", "gen")
check(gen.endpoint_name == "t.gen" and gen.metrics.end_of_input is True, "t.gen at end of input", gen.__dict__)
check(gen.metrics.total_records == 500, "500 records from t.gen", gen.metrics.total_records)
names = sorted(i.endpoint_name for i in p.stats().inputs if ".api-" not in i.endpoint_name)
check(names == ["t.gen", "t.later"], "both endpoints in stats", names)
p.pause_connector("t", "gen")
check(p.input_connector_stats("t", "gen").paused is True, "t.gen paused")
p.stop(force=True)

q = PipelineBuilder(client, "sdk-http", "CREATE TABLE h (id INT NOT NULL PRIMARY KEY);", runtime_config=RuntimeConfig.default()).create_or_replace()
q.start()
q.input_json("h", [{"id": 1}, {"id": 2}])
q.wait_for_completion(timeout_s=30)
check(list(q.query("SELECT COUNT(*) AS n FROM h")) == [{"n": 2}], "both rows, queried without 'materialized'")
q.stop(force=True)
print("ok")
`;

const found = sdkPython();

describe("Feldera's Python SDK waits for completion", () => {
  let m: TestManager;
  let dir: string;
  before(async () => {
    if ('skip' in found) return;
    m = await startTestManager();
    dir = mkdtempSync(join(tmpdir(), 'sluice-sdk-'));
  });
  after(async () => {
    await m?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('wait_for_completion() returns for datagen and HTTP-fed pipelines; connector calls work', {
    skip: 'skip' in found ? found.skip : false,
    timeout: 240_000,
  }, async () => {
    if (!('python' in found)) return;
    const script = join(dir, 'completion.py');
    writeFileSync(script, SCRIPT);
    const child = spawn(found.python, ['-u', script, m.url], {
      env: { ...process.env, PYTHONPATH: join(clients, 'feldera-python-0.312') },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);
    assert.match(output, /^ok$/m);
  });
});
