import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, queryRows, startAndWait } from '../helpers/pipeline.js';

const PROGRAM = `
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, grp VARCHAR NOT NULL, qty INT) WITH ('materialized' = 'true');
CREATE TABLE groups (grp VARCHAR NOT NULL PRIMARY KEY, label VARCHAR) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n, SUM(qty) AS total, MAX(qty) AS top FROM items GROUP BY grp;
CREATE MATERIALIZED VIEW labelled AS SELECT i.id, g.label, i.qty FROM items i JOIN groups g ON i.grp = g.grp WHERE i.qty > 10;
`;

/** A small seeded PRNG (mulberry32), so a failure can be replayed with the printed seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Collected {
  chunks: Map<number, string[]>;
  stop(): void;
}

describe('resume equality', () => {
  let m: TestManager;
  const seed = Number(process.env.SLUICE_RESUME_SEED ?? 20261129);
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  async function create(name: string) {
    const runtime_config = {
      storage: { backend: { name: 'default' } },
      fault_tolerance: { model: 'none', checkpoint_interval_secs: null },
    };
    assert.equal(
      (await m.request('POST', '/v0/pipelines', { name, program_code: PROGRAM, runtime_config })).status,
      201,
    );
    await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, name);
  }

  /** Collects the chunks of an egress stream by sequence number. */
  async function subscribe(name: string, view: string, into: Map<number, string[]>): Promise<Collected> {
    const controller = new AbortController();
    const res = await fetch(`${m.url}/v0/pipelines/${name}/egress/${view}?format=json&backpressure=true`, {
      method: 'POST',
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let buffered = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffered += Buffer.from(value).toString('utf8');
          let nl = buffered.indexOf('\r\n');
          while (nl >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 2);
            const chunk = line.trim() ? JSON.parse(line) : null;
            // A keepalive chunk (after 3 s of silence) has a sequence number and no data.
            if (chunk?.json_data)
              into.set(chunk.sequence_number, chunk.json_data.map((u: unknown) => JSON.stringify(u)).sort());
            nl = buffered.indexOf('\r\n');
          }
        }
      } catch {
        // Aborted, or the pipeline stopped.
      }
    })();
    return { chunks: into, stop: () => controller.abort() };
  }

  async function contents(name: string, sql: string) {
    return (await queryRows(m, name, sql)).map((r) => JSON.stringify(r)).sort();
  }

  test(`stopped and started 3 times mid-stream, a pipeline matches its twin exactly (seed ${seed})`, async () => {
    await create('twin');
    await create('hop');
    const twinChunks = new Map<number, string[]>();
    const hopChunks = new Map<number, string[]>();
    const twinSub = await subscribe('twin', 'per_group', twinChunks);
    let hopSub = await subscribe('hop', 'per_group', hopChunks);
    const random = rng(seed);
    const labels = ['a', 'b', 'c', 'd']
      .map((g) => JSON.stringify({ insert: { grp: g, label: `group ${g}` } }))
      .join('\n');
    await ingestAndWait(m, 'twin', 'groups', labels);
    await ingestAndWait(m, 'hop', 'groups', labels);
    for (let batch = 1; batch <= 12; batch++) {
      const records: string[] = [];
      for (let i = 0; i < 20; i++) {
        const id = Math.floor(random() * 60);
        if (random() < 0.25) records.push(JSON.stringify({ delete: { id } }));
        else {
          const grp = 'abcd'[Math.floor(random() * 4)];
          records.push(JSON.stringify({ insert: { id, grp, qty: Math.floor(random() * 40) } }));
        }
      }
      const body = records.join('\n');
      await ingestAndWait(m, 'twin', 'items', body);
      await ingestAndWait(m, 'hop', 'items', body);
      if (batch % 4 === 0 && batch < 12) {
        hopSub.stop();
        await m.request('POST', '/v0/pipelines/hop/stop?force=false');
        await m.waitFor('hop', (p) => p.deployment_status === 'Stopped', 20_000, 'suspended');
        await startAndWait(m, 'hop');
        hopSub = await subscribe('hop', 'per_group', hopChunks);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    twinSub.stop();
    hopSub.stop();

    for (const sql of ['SELECT * FROM per_group', 'SELECT * FROM labelled', 'SELECT * FROM items']) {
      assert.deepEqual(
        await contents('hop', sql),
        await contents('twin', sql),
        `${sql} differs (seed ${seed})`,
      );
    }
    // Keepalives take sequence numbers too, and the two pipelines were idle at different
    // times, so the data chunks are compared in order, and the hopping pipeline's numbers
    // must keep rising across its restarts.
    const hopSequence = [...hopChunks.keys()];
    assert.deepEqual(
      hopSequence,
      [...hopSequence].sort((a, b) => a - b),
      'egress sequence numbers rise across restarts',
    );
    const inOrder = (chunks: Map<number, string[]>) =>
      [...chunks.entries()].sort(([a], [b]) => a - b).map(([, updates]) => updates);
    assert.deepEqual(inOrder(hopChunks), inOrder(twinChunks), `egress chunks (seed ${seed})`);
    const twin = (await m.request('GET', '/v0/pipelines/twin/stats')).body.global_metrics;
    const hop = (await m.request('GET', '/v0/pipelines/hop/stats')).body.global_metrics;
    for (const field of ['total_input_records', 'total_processed_records', 'total_completed_steps']) {
      assert.equal(hop[field], twin[field], `stats ${field} (seed ${seed})`);
    }
  });
});
