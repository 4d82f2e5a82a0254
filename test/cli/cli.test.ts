/**
 * The `sluice` CLI as a user runs it: a real child process against a real manager, real
 * pipeline processes and a real S3-compatible server (behind a proxy that can hold uploads,
 * so a sync can be looked at while it is under way). Progress goes to stderr; results to
 * stdout.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { commandHelp } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';
import { queryRows } from '../helpers/pipeline.js';
import { type S3TestServer, startS3Server } from '../helpers/s3server.js';
import { uniqueBucket } from '../helpers/storage.js';
import { startUploadGate, type UploadGate } from './upload-gate.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const execFileAsync = promisify(execFile);
const ENV = { ...process.env, SLUICE_PROGRESS_INTERVAL_MS: '200', SLUICE_URL: '' };

interface LiveRun {
  done: Promise<Run>;
  /** Resolves once stderr matches `pattern`. */
  stderrMatches(pattern: RegExp): Promise<void>;
}

function start(args: string[], input?: string): LiveRun {
  const child = spawn(process.execPath, [...CLI, ...args], { env: ENV });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(stderr)) w.resolve();
      else watchers.push(w);
    }
  });
  child.stdin.end(input ?? '');
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })),
  );
  return {
    done,
    stderrMatches: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stderr)) resolve();
        else watchers.push({ pattern, resolve });
        done.then((r) => reject(new Error(`exited before stderr matched ${pattern}: ${r.stderr}`)));
      }),
  };
}

function run(args: string[], input?: string): Promise<Run> {
  return start(args, input).done;
}

function ok(r: Run): Run {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('help and command-line mistakes', () => {
  test('every command has --help; mistakes exit 2 and point at the help', async () => {
    const general = ok(await run(['--help']));
    const names = [...general.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    for (const name of [
      'sync-status',
      'remote-checkpoints',
      'activate',
      'edit',
      'push',
      'checkpoint',
      'sync',
    ]) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
    assert.equal(names.length, COMMANDS.size, 'the general help lists every command');
    // Every command's help in-process (a process each would be slow), two as a user runs them.
    for (const name of names) {
      const help = commandHelp(COMMANDS.get(name)!);
      assert.match(help, new RegExp(`^Usage: sluice ${name}`), help);
      assert.match(help, /Global options:/);
    }
    const sync = ok(await run(['sync', '--help']));
    assert.match(sync.stdout, /^Usage: sluice sync <pipeline>\n/);
    assert.match(ok(await run(['help', 'push'])).stdout, /a JSON array of rows/);
    const none = await run([]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /Usage: sluice/);
    const mistakes = [
      [['frobnicate'], /unknown command 'frobnicate'[\s\S]*sluice --help/],
      [['push', 'p'], /missing arguments: sluice push <pipeline> <table> \[FILE\][\s\S]*sluice push --help/],
      [['push', 'p', 't', 'f', 'extra'], /too many arguments \('extra'\)/],
      [['start', 'p', '--bogus'], /unknown option '--bogus'[\s\S]*sluice start --help/],
      [['--timeout', 'soon', 'list'], /--timeout must be a positive number/],
    ] as const;
    const runs = await Promise.all(mistakes.map(([args]) => run([...args])));
    runs.forEach((r, i) => {
      const [args, message] = mistakes[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    });
  });

  test('an unreachable manager is named, with how to point at another', async () => {
    const r = await run(['--url', 'http://127.0.0.1:9', 'list']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach Sluice at http:\/\/127\.0\.0\.1:9: .*--url or SLUICE_URL/);
  });
});

describe('sluice against a real manager and object store', () => {
  let m: TestManager;
  let s3: S3TestServer;
  let gate: UploadGate;
  let bucket: string;
  const cli = (...args: string[]) => run(['--url', m.url, ...args]);

  before(async () => {
    m = await startTestManager();
    s3 = await startS3Server();
    bucket = uniqueBucket();
    await s3.createBucket(bucket);
    gate = await startUploadGate(s3.endpoint);
  });
  after(async () => {
    await m?.close();
    gate?.open();
    await gate?.stop();
    await s3?.stop();
  });

  /** A runtime config syncing to `prefix` of the test bucket (one owner per prefix). */
  function runtimeConfig(prefix = 'cli'): string {
    const sync = { ...s3.syncConfig(`${bucket}/${prefix}`), endpoint: gate.endpoint };
    return file(
      `rc-${prefix}.json`,
      JSON.stringify({ storage: { backend: { name: 'file', config: { sync } } } }),
    );
  }

  test('create, start, push each format, query, stop, clear, delete', async () => {
    let r = ok(await cli('create', 'clip', file('p.sql', SIMPLE_PROGRAM)));
    assert.match(r.stdout, /^clip: program Success$/m);
    r = ok(await cli('start', 'clip'));
    assert.match(r.stdout, /^clip: Running$/m);
    assert.match(
      r.stderr,
      /clip: (Stopped|Provisioning|Initializing)/,
      'the wait shows the status as it goes',
    );

    r = ok(
      await cli(
        'push',
        'clip',
        't',
        file('rows.json', '[{"id": 1, "name": "one"}, {"id": 2, "name": "two"}]'),
      ),
    );
    assert.match(r.stdout, /pushed 2 records \(JSON array, raw rows\) into t; processed/);
    assert.match(r.stderr, /push t \[=+\] 100% \| \d+ B\/\d+ B/);
    r = ok(
      await cli(
        'push',
        'clip',
        't',
        file('rows.ndjson', '{"id": 3, "name": "three"}\n{"id": 4, "name": "four"}\n'),
      ),
    );
    assert.match(r.stdout, /pushed 2 records \(NDJSON, raw rows\)/);
    r = ok(await cli('push', 'clip', 't', file('one.json', '{"id": 5, "name": "five"}')));
    assert.match(r.stdout, /pushed 1 record \(one JSON object, raw rows\)/);
    r = ok(await cli('push', 'clip', 't', file('rows.csv', 'name,id\n"six, 6",6\nseven,7\n')));
    assert.match(r.stdout, /pushed 2 records \(CSV with a header\)/);
    r = ok(await run(['--url', m.url, 'push', 'clip', 't', '--format', 'csv'], '8,eight\n'));
    assert.match(r.stdout, /pushed 1 record \(CSV\)/);
    r = ok(await cli('push', 'clip', 't', file('changes.json', '{"delete": {"id": 1, "name": "one"}}\n')));
    assert.match(r.stdout, /insert_delete records/);

    r = ok(await cli('query', 'clip', 'SELECT id, name FROM v ORDER BY id'));
    assert.match(r.stdout, /\| 2 +\| two +\|[\s\S]*\| 6 +\| six, 6 +\|[\s\S]*\| 8 +\| eight +\|/);
    assert.doesNotMatch(r.stdout, /\| one /);
    r = ok(await cli('query', 'clip', 'SELECT id FROM v ORDER BY id', '--format', 'json'));
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
      [2, 3, 4, 5, 6, 7, 8],
    );
    assert.match(ok(await cli('list')).stdout, /^clip\s+Success\s+Running\s+Running/m);

    r = ok(await cli('stop', 'clip', '--force'));
    assert.match(r.stdout, /^clip: Stopped$/m);
    assert.match(ok(await cli('clear', 'clip')).stdout, /clip: storage Cleared/);
    assert.match(ok(await cli('delete', 'clip')).stdout, /clip: deleted/);
    const gone = await cli('status', 'clip');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^sluice: UnknownPipelineName: /m);
  });

  test('a bad file is refused with its line, before anything is sent', async () => {
    ok(await cli('create', 'bad', file('p.sql', SIMPLE_PROGRAM)));
    ok(await cli('start', 'bad'));
    ok(await cli('push', 'bad', 't', file('first.json', '[{"id": 1, "name": "kept"}]')));
    const cases: Array<[string, string, RegExp]> = [
      ['broken.json', '[\n {"id": 2},\n {"id": 3},,\n]\n', /broken\.json: line 3, column 12: value expected/],
      ['broken.ndjson', '{"id": 2}\n{"id": 3\n', /broken\.ndjson: line 2, column 9: .*\(NDJSON/],
      ['broken.csv', '2,two\n3,"th"ree\n', /broken\.csv: .*line 2/],
      ['empty.json', '\n', /empty\.json is empty/],
    ];
    for (const [name, content, message] of cases) {
      const r = await cli('push', 'bad', 't', file(name, content));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    const missing = await cli('push', 'bad', 't', join(dir, 'nope.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.json: no such file/);
    // A row the server refuses: the whole file is refused, naming the row.
    const refused = await cli(
      'push',
      'bad',
      't',
      file('types.json', '[{"id": 4, "name": "x"}, {"id": "five"}]'),
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ParseError/);
    assert.deepEqual(await queryRows(m, 'bad', 'SELECT id, name FROM t'), [{ id: 1, name: 'kept' }]);
    ok(await cli('stop', 'bad', '--force'));
  });

  test('edit changes the runtime config by field or file, and the program, when stopped', async () => {
    ok(await cli('create', 'ed', file('p.sql', SIMPLE_PROGRAM)));
    let r = ok(
      await cli(
        'edit',
        'ed',
        '--runtime-config',
        'workers=3',
        '--runtime-config',
        'fault_tolerance.model=at_least_once',
      ),
    );
    assert.match(r.stdout, /^ed: runtime_config\.workers: 8 -> 3$/m);
    assert.match(r.stdout, /^ed: runtime_config\.fault_tolerance\.model: "none" -> "at_least_once"$/m);
    let p = (await m.request('GET', '/v0/pipelines/ed')).body;
    assert.equal(p.runtime_config.workers, 3);
    assert.equal(p.runtime_config.fault_tolerance.model, 'at_least_once');
    r = ok(await cli('edit', 'ed', '--runtime-config', 'wrokers=2'));
    assert.match(r.stderr, /note: 'wrokers' was not a field of the runtime configuration/);

    ok(
      await cli(
        'edit',
        'ed',
        '--runtime-config',
        file('rc2.json', '{"workers": 2}'),
        '--program-config',
        'cache=false',
      ),
    );
    p = (await m.request('GET', '/v0/pipelines/ed')).body;
    assert.equal(p.runtime_config.workers, 2);
    assert.equal(p.runtime_config.fault_tolerance.model, 'none', 'a file replaces the whole config');
    assert.equal(p.program_config.cache, false);

    const bad = await cli(
      'edit',
      'ed',
      '--program',
      file('bad.sql', 'CREATE TABLE t (id INT);\nCREATE VIEW v AS SELEC id FROM t;\n'),
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      /ed: program SqlError\n {2}Error parsing SQL: Encountered "SELEC" at line 2, column 18\.\n/,
    );
    assert.match(bad.stdout, /\n {6}2\|CREATE VIEW v AS SELEC id FROM t;\n {25}\^{5}\n/);
    assert.match(bad.stderr, /the program did not compile/);
    r = ok(await cli('edit', 'ed', '--program', file('p.sql', SIMPLE_PROGRAM), '--description', 'demo'));
    assert.match(r.stdout, /ed: program Success/);

    ok(await cli('start', 'ed'));
    const running = await cli('edit', 'ed', '--runtime-config', 'workers=1');
    assert.equal(running.code, 1);
    assert.match(running.stderr, /UpdateRestrictedToStopped/);
    ok(await cli('stop', 'ed', '--force'));
  });

  test('checkpoint, sync with a progress bar, sync-status, remote-checkpoints, standby and activate', async () => {
    const rc = runtimeConfig();
    ok(await cli('create', 'primary', file('p.sql', SIMPLE_PROGRAM), '--runtime-config', rc));
    ok(await cli('start', 'primary'));
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, name: `row ${i + 1}` }));
    ok(await cli('push', 'primary', 't', file('many.json', JSON.stringify(rows))));

    const none = await cli('sync', 'primary');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /NoCheckpoint/);

    let r = ok(await cli('checkpoint', 'primary'));
    assert.match(r.stdout, /^primary: checkpoint 1 written \(newest: [0-9a-f-]{36}, [\d.]+ KiB\)$/m);
    assert.doesNotMatch(r.stderr, /\{"sequence_number"/, 'no raw JSON progress');
    r = ok(await cli('checkpoints', 'primary'));
    assert.match(r.stdout, /^UUID\s+STEPS\s+RECORDS\s+SIZE\n[0-9a-f-]{36}\s+\d+\s+2000\s+[\d.]+ KiB\n$/);

    assert.match(ok(await cli('sync-status', 'primary')).stdout, /^requested: +none$/m);
    // While the push is held at the gate, sync shows its bar, sync-status shows it under way,
    // and sync-status --wait follows it until it ends.
    gate.close();
    const syncing = cli('sync', 'primary');
    for (let i = 0; gate.waiting === 0; i++) {
      assert.ok(i < 600, 'the push never reached the object store');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const during = ok(await cli('sync-status', 'primary'));
    assert.match(during.stdout, /^in progress: [0-9a-f-]{36} \[[=-]+\] +\d+% \| \d+\/\d+ files \| /m);
    const waiting = start(['--url', m.url, 'sync-status', 'primary', '--wait']);
    await waiting.stderrMatches(/^sync \[/m);
    gate.open();
    const waited = ok(await waiting.done);
    assert.match(waited.stdout, /^requested: +[0-9a-f-]{36}$/m);
    assert.match(waited.stdout, /^in progress: none$/m);
    assert.match(waited.stderr, /^sync \[[=-]+\] +\d+% \| /m, 'the wait shows the bar');

    r = ok(await syncing);
    const uuid = /synced checkpoint ([0-9a-f-]{36}) \(sequence 1\)/.exec(r.stdout)?.[1];
    assert.ok(uuid, r.stdout);
    assert.match(
      r.stderr,
      /^sync \[[=-]+\] +\d+% \| \d+\/\d+ files \| [\d.]+ (B|KiB)\/[\d.]+ KiB \| .*\/s \| (checking|transferring|committing|retention)$/m,
    );
    assert.match(r.stderr, /^sync \[=+\] 100% \| (\d+)\/\1 files \| ([\d.]+ KiB)\/\2 \| .*\/s \| done$/m);
    assert.doesNotMatch(r.stderr, /progress \{/);

    r = ok(await cli('sync-status', 'primary', '--json'));
    assert.equal(JSON.parse(r.stdout).success, uuid);
    r = ok(await cli('remote-checkpoints', 'primary'));
    assert.match(r.stdout, new RegExp(`^${uuid}\\s+\\d+\\s+2000\\s+[\\d.]+ KiB$`, 'm'));

    ok(await cli('create', 'standby', file('p.sql', SIMPLE_PROGRAM), '--runtime-config', rc));
    r = ok(await cli('start', 'standby', '--initial', 'standby'));
    assert.match(r.stdout, /^standby: Standby$/m);
    r = ok(await cli('activate', 'standby'));
    assert.match(r.stdout, /^standby: Running$/m);
    assert.deepEqual(await queryRows(m, 'standby', 'SELECT COUNT(*) AS n FROM v'), [{ n: 2000 }]);

    r = ok(await cli('stop', 'primary'));
    assert.match(r.stdout, /^primary: Stopped$/m);
    ok(await cli('stop', 'standby', '--force'));
  });

  test('a sync that fails part-way stops its bar where it was, marked failed, never done', async () => {
    ok(await cli('create', 'cut', file('p.sql', SIMPLE_PROGRAM), '--runtime-config', runtimeConfig('cut')));
    ok(await cli('start', 'cut'));
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, name: `row ${i + 1}` }));
    ok(await cli('push', 'cut', 't', file('cut.json', JSON.stringify(rows))));
    ok(await cli('checkpoint', 'cut'));
    gate.close();
    const syncing = start(['--url', m.url, 'sync', 'cut']);
    try {
      await syncing.stderrMatches(/^sync \[[=-]+\] +\d+% \| \d+\/\d+ files \| .* \| transferring$/m);
      gate.fail();
      const r = await syncing.done;
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^sluice: /m, 'the error is printed');
      const bars = r.stderr.split('\n').filter((l) => l.startsWith('sync '));
      assert.match(bars.at(-1) ?? '', /^sync \[[=-]+\] +\d+% \| \d+\/\d+ files \| .* \| failed$/);
      assert.doesNotMatch(r.stderr, /100%/, 'the bar is not completed');
      assert.doesNotMatch(r.stderr, /\| done$/m);
    } finally {
      gate.open();
    }
    ok(await cli('stop', 'cut', '--force'));
  });

  test('on a terminal the progress line is redrawn in place and cleared', {
    skip: !hasScript() && 'no `script` command to run the CLI under a terminal',
  }, async () => {
    ok(await cli('create', 'tty', file('p.sql', SIMPLE_PROGRAM)));
    const command = [process.execPath, ...CLI, '--url', m.url, 'start', 'tty'].map((a) => `'${a}'`).join(' ');
    // Not execFileSync: the manager runs in this process and must go on answering.
    const { stdout: out } = await execFileAsync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: ENV,
    });
    assert.match(out, /\x1b\[\?25l/, 'the cursor is hidden while the line is drawn');
    assert.match(out, /\x1b\[1Gtty: [^\n]*\x1b\[0K/, 'the line is redrawn from its first column');
    assert.match(out, /\x1b\[\?25h/, 'and shown again at the end');
    assert.match(out, /\x1b\[2Ktty: Running\r?\n/, 'the line is cleared before the result');
    await m.request('POST', '/v0/pipelines/tty/stop?force=true');
  });
});
