/**
 * Runs every shell command of README.md and docs/*.md against a real manager, so that the
 * documentation cannot drift from what Sluice does (issue 8, item 11).
 *
 * Each document runs in one bash session, in document order, from a fresh directory inside
 * the repository (so `npm run sluice -- ...` finds the package and reads files where the
 * document wrote them). The session exports every variable the document assigns (`set -a`)
 * and runs `curl` with `--fail-with-body`, so a command that gets an HTTP error fails the test
 * with the error in its message. What the test supplies, and nothing else:
 *
 * - `localhost:8080`, `127.0.0.1:8080` and `HOST:8080` in a command name the test's manager;
 * - `SLUICE_URL` points the CLI at it; `SLUICE_PORT=0` and `SLUICE_DATA_DIR` make `npm start`
 *   run beside it instead of on port 8080;
 * - docs/auth.md gets a manager with `--auth` and `TOKEN`, an API key made with
 *   `--create-api-key` as that document says;
 * - docs/storage.md gets a real S3-compatible server (s3rver) as `S3_ENDPOINT`,
 *   `S3_ACCESS_KEY`, `S3_SECRET_KEY`, with a bucket named `sluice`;
 * - benchmarks run with `BENCH_SMOKE=1` (tiny data, the same code paths).
 *
 * Commands that never end by design (`npm start`, `/logs`, `/egress/`) pass when they are
 * still running, or have exited 0, after a few seconds (`npm start` must also print its
 * address). Two commands are not run, for the reasons in `NOT_RUN`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { defaultManagerConfig } from '../../src/manager/config.js';
import { killPipelineProcesses, startTestManager, type TestManager } from '../helpers/manager.js';
import { type DocCommand, shellCommands } from '../helpers/markdown-commands.js';
import { type S3TestServer, startS3Server } from '../helpers/s3server.js';

const execFileAsync = promisify(execFile);
const REPO = process.cwd();
const WORK_ROOT = join(REPO, '.docs-test');
/** Benchmarks run as documented, with BENCH_SMOKE=1, which still takes minutes on a loaded machine. */
const NORMAL_TIMEOUT_MS = 600_000;
const LONG_RUNNING_GRACE_MS = 4_000;

/** Commands that are not run, and why. */
const NOT_RUN: Record<string, string> = {
  'npm ci':
    'node_modules is installed once before the tests (as .ci/run does); reinstalling it would pull it from under the running tests',
  'npm test': 'this is the command that runs this test',
};

function missingTools(): string[] {
  return ['bash', 'curl', 'jq', 'setsid'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/** The documents whose commands are run: README.md and every Markdown file under docs/. */
function documents(): string[] {
  const docs = readdirSync(join(REPO, 'docs'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', ...docs.sort()];
}

/** `npm ci && X` runs X; `npm ci` and `npm test` are not run (see NOT_RUN). */
function runnablePart(text: string): { run: string | null; skipped: string[] } {
  const parts = text.split(/\s*&&\s*/);
  const skipped = parts.map(commandOnly).filter((p) => NOT_RUN[p] !== undefined);
  const rest = parts.filter((p) => !skipped.includes(commandOnly(p)));
  return { run: rest.length > 0 ? rest.join(' && ') : null, skipped };
}

/** A command without its trailing comment. */
function commandOnly(part: string): string {
  return part.replace(/\s+#.*$/, '').trim();
}

function isLongRunning(text: string): boolean {
  const code = text.replace(/\s+#.*$/gm, '');
  if (/^\s*npm start\b/.test(code)) return !/--help|--create-api-key/.test(code);
  return /\/egress\/|\/logs\b/.test(code) && !/--max-time/.test(code);
}

/** One bash session: commands are sourced in order, so assignments carry over. */
class Session {
  private readonly shell: ChildProcess;
  private stdout = '';
  private readonly dir: string;
  private seq = 0;

  constructor(
    readonly cwd: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'sluice-docs-shell-'));
    this.shell = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.shell.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
    });
    this.shell.stdin!.write(
      ['set -a', 'curl() { command curl --fail-with-body "$@"; }', 'export -f curl', ''].join('\n'),
    );
  }

  /** Runs `text` in the session; resolves with its exit code, stdout and stderr. */
  async run(text: string): Promise<{ code: number; out: string; err: string }> {
    const n = ++this.seq;
    const script = join(this.dir, `cmd-${n}.sh`);
    const errFile = join(this.dir, `err-${n}`);
    writeFileSync(script, `${text}\n`);
    const marker = `__DOCS_TEST_DONE_${n}__`;
    this.stdout = '';
    this.shell.stdin!.write(
      `{ source '${script}'; } 2>'${errFile}' </dev/null; printf '\\n${marker}%s\\n' "$?"\n`,
    );
    const deadline = Date.now() + NORMAL_TIMEOUT_MS;
    const done = new RegExp(`\\n${marker}(\\d+)\\n`);
    while (Date.now() < deadline) {
      const m = done.exec(this.stdout);
      if (m) {
        const err = existsSync(errFile) ? readFileSync(errFile, 'utf8') : '';
        return { code: Number(m[1]), out: this.stdout.slice(0, m.index), err };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`did not finish within ${NORMAL_TIMEOUT_MS / 1000} s; output so far:\n${this.stdout}`);
  }

  /**
   * Starts a command that runs until stopped, in its own session (so its whole process group
   * can be stopped), and checks it a few seconds later.
   */
  async runLong(text: string, readyPattern: RegExp | null): Promise<{ ok: boolean; out: string }> {
    const n = ++this.seq;
    const script = join(this.dir, `long-${n}.sh`);
    const outFile = join(this.dir, `long-${n}.out`);
    writeFileSync(script, `${text}\n`);
    const pidLine = `__DOCS_TEST_PID_${n}__`;
    this.stdout = '';
    this.shell.stdin!.write(
      `setsid bash '${script}' >'${outFile}' 2>&1 </dev/null & printf '${pidLine}%s\\n' "$!"\n`,
    );
    let pid = 0;
    const started = Date.now();
    while (pid === 0 && Date.now() - started < 10_000) {
      const m = new RegExp(`${pidLine}(\\d+)`).exec(this.stdout);
      if (m) pid = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(pid > 0, 'the long-running command did not start');
    const output = () => (existsSync(outFile) ? readFileSync(outFile, 'utf8') : '');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + (readyPattern ? 240_000 : LONG_RUNNING_GRACE_MS);
    while (Date.now() < deadline && alive() && !(readyPattern?.test(output()) ?? false)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const stillRunning = alive();
    try {
      process.kill(-pid, 'SIGINT');
    } catch {
      // Already gone.
    }
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Stopped by SIGINT.
    }
    const exitCode = stillRunning ? 0 : await this.exitCodeOf(pid);
    const ready = readyPattern === null || readyPattern.test(output());
    return { ok: ready && (stillRunning || exitCode === 0), out: output() };
  }

  private async exitCodeOf(pid: number): Promise<number> {
    const { code, out } = await this.run(`wait ${pid}; echo "__EXIT__$?"`);
    const m = /__EXIT__(\d+)/.exec(out);
    return m ? Number(m[1]) : code;
  }

  close(): void {
    this.shell.stdin!.end('exit\n');
    this.shell.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Replaces the documents' manager address with the test manager's. */
function forTestManager(text: string, manager: TestManager): string {
  const hostPort = manager.url.replace(/^http:\/\//, '');
  return text.replace(/\b(localhost|127\.0\.0\.1|HOST):8080\b/g, hostPort);
}

const missing = missingTools();
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(WORK_ROOT, { recursive: true, force: true });
});

describe('every command of README.md and docs/ runs', {
  skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false,
}, () => {
  for (const doc of documents()) {
    const commands = shellCommands(doc, readFileSync(join(REPO, doc), 'utf8'));
    if (commands.length === 0) continue;
    test(`${doc} (${commands.length} commands)`, { timeout: 20 * 60_000 }, async (t) => {
      const auth = doc === 'docs/auth.md';
      const manager = await startTestManager(
        auth ? { auth: { ...defaultManagerConfig().auth, enabled: true } } : {},
      );
      cleanups.push(() => manager.close());
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        SLUICE_URL: manager.url,
        SLUICE_PORT: '0',
        SLUICE_DATA_DIR: mkdtempSync(join(tmpdir(), 'sluice-docs-npm-start-')),
        BENCH_SMOKE: '1',
      };
      cleanups.push(() => {
        killPipelineProcesses(env.SLUICE_DATA_DIR!);
        rmSync(env.SLUICE_DATA_DIR!, { recursive: true, force: true });
      });
      if (auth) {
        // Asynchronously: the test's manager lives in this process and must keep running (a
        // blocked event loop could stall it inside a metadata transaction).
        const created = await execFileAsync(
          process.execPath,
          [
            '--import',
            'tsx',
            'src/manager/main.ts',
            '--data-dir',
            manager.dataDir,
            '--create-api-key',
            'docs',
          ],
          { encoding: 'utf8' },
        );
        env.TOKEN = created.stdout.trim();
        env.SLUICE_API_KEY = env.TOKEN;
      }
      if (doc === 'docs/storage.md') {
        const s3: S3TestServer = await startS3Server();
        cleanups.push(() => s3.stop());
        await s3.createBucket('sluice');
        Object.assign(env, {
          S3_ENDPOINT: s3.endpoint,
          S3_ACCESS_KEY: s3.accessKey,
          S3_SECRET_KEY: s3.secretKey,
        });
      }
      mkdirSync(WORK_ROOT, { recursive: true });
      const cwd = mkdtempSync(join(WORK_ROOT, 'run-'));
      const session = new Session(cwd, env);
      cleanups.push(() => session.close());
      let ran = 0;
      for (const command of commands) {
        const where = `${doc}:${command.line}`;
        const { run, skipped } = runnablePart(command.text);
        for (const s of skipped) t.diagnostic(`${where}: not run: '${s}': ${NOT_RUN[s]}`);
        if (run === null) continue;
        const text = forTestManager(run, manager);
        ran++;
        if (isLongRunning(text)) {
          const ready = /^\s*npm start\b/.test(text) ? /listening on http:\/\//i : null;
          const result = await session.runLong(text, ready);
          assert.ok(result.ok, `${where}: '${run}' failed:\n${result.out}`);
        } else {
          const result = await session.run(text);
          assert.equal(
            result.code,
            0,
            `${where}: '${run}' exited ${result.code}:\n${result.out}\n${result.err}`.slice(0, 6000),
          );
        }
      }
      t.diagnostic(`${doc}: ran ${ran} of ${commands.length} commands (${relative(REPO, cwd)})`);
    });
  }
});

test('the command splitter reads commands as bash does', () => {
  const md = [
    '```sh',
    'A=1   # a comment',
    "curl -d '{",
    '  "x": 1',
    "}' url",
    "cat > f <<'EOF'",
    'a # not a comment',
    'EOF',
    'jq . f |',
    '  wc -l',
    'echo a \\',
    '  b',
    '# only a comment',
    '```',
    '```json',
    '{"not": "run"}',
    '```',
  ].join('\n');
  const commands: DocCommand[] = shellCommands('x.md', md);
  assert.deepEqual(
    commands.map((c) => [c.line, c.text]),
    [
      [2, 'A=1   # a comment'],
      [3, 'curl -d \'{\n  "x": 1\n}\' url'],
      [6, "cat > f <<'EOF'\na # not a comment\nEOF"],
      [9, 'jq . f |\n  wc -l'],
      [11, 'echo a \\\n  b'],
    ],
  );
});
