/**
 * Feldera's own Python SDK (v0.312, vendored in ../shared/clients) driving Sluice unchanged.
 *
 * Each `scenarios/*.py` is one test: a Python program written by us that uses the SDK as a
 * user would (`from feldera import FelderaClient, PipelineBuilder`) against one real manager
 * started for this file, and, for scenarios whose header says `# needs: s3`, a real
 * S3-compatible server started on first need. A scenario passes when it exits 0; otherwise its
 * output is the failure message.
 *
 * The Python environment comes from ../shared/clients/feldera-sdk-env, which builds it once
 * (cached under ~/.cache) and prints its python, or exits 3 with the reason it cannot (no
 * python3, no local wheels): the scenarios are then skipped with that reason, as they are in
 * a clone with no ../shared beside it.
 *
 * SLUICE_COMPAT_SCENARIOS names another folder of scenarios to run instead (a scenario written
 * before its feature works is kept outside `scenarios/` and run that way until it passes).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { type S3TestServer, startS3Server } from '../helpers/s3server.js';
import { uniqueBucket } from '../helpers/storage.js';

const SDK_ENV = join(process.cwd(), '..', 'shared', 'clients', 'feldera-sdk-env');
const SCENARIO_DIR = process.env.SLUICE_COMPAT_SCENARIOS ?? join(import.meta.dirname, 'scenarios');
const LIB_DIR = join(import.meta.dirname, 'lib');
const SCENARIO_TIMEOUT_MS = 180_000;

/** The SDK's python, or why the scenarios cannot run here. */
async function sdkPython(): Promise<{ python: string } | { skip: string }> {
  if (!existsSync(SDK_ENV)) {
    return { skip: `Feldera's Python SDK is not at ${SDK_ENV} (no ../shared beside this clone)` };
  }
  try {
    const { stdout } = await promisify(execFile)(SDK_ENV, [], { timeout: 600_000 });
    return { python: stdout.trim().split('\n').at(-1)! };
  } catch (err) {
    const { code, stderr } = err as { code?: number; stderr?: string };
    if (code === 3)
      return { skip: `the SDK cannot run here: ${stderr?.trim() || 'feldera-sdk-env exited 3'}` };
    throw new Error(`${SDK_ENV} failed (exit ${code}): ${stderr}`);
  }
}

interface Scenario {
  file: string;
  name: string;
  needsS3: boolean;
}

function scenarios(): Scenario[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => {
      const file = join(SCENARIO_DIR, f);
      return {
        file,
        name: f.replace(/\.py$/, ''),
        needsS3: /^# needs: .*\bs3\b/m.test(readFileSync(file, 'utf8')),
      };
    });
}

/** Runs one scenario; resolves with its exit code and interleaved output. */
function runScenario(
  python: string,
  file: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-u', file], {
      env: { ...process.env, ...env, PYTHONPATH: LIB_DIR, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      output += `\n[killed after ${SCENARIO_TIMEOUT_MS} ms]`;
      child.kill('SIGKILL');
    }, SCENARIO_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const sdk = await sdkPython();

describe("Feldera's Python SDK against Sluice", { skip: 'skip' in sdk ? sdk.skip : false }, () => {
  let m: TestManager;
  let s3: S3TestServer | null = null;
  let bucket = '';

  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m?.close();
    await s3?.stop();
  });

  async function s3Config(): Promise<string> {
    if (!s3) {
      s3 = await startS3Server();
      bucket = uniqueBucket();
      await s3.createBucket(bucket);
    }
    return JSON.stringify(s3.syncConfig(bucket));
  }

  for (const scenario of 'python' in sdk ? scenarios() : []) {
    test(scenario.name, async () => {
      const env: Record<string, string> = {
        FELDERA_HOST: m.url,
        SLUICE_COMPAT_PREFIX: scenario.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
      };
      if (scenario.needsS3) env.SLUICE_COMPAT_S3 = await s3Config();
      const { code, output } = await runScenario((sdk as { python: string }).python, scenario.file, env);
      assert.equal(code, 0, `${scenario.file} exited ${code}:\n${output}`);
    });
  }
});
