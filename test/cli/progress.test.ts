import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, ProgressDisplay, progressLine, snapshotOf } from '../../src/cli/progress.js';

test('a transfer line has a bar, percent, files, bytes, rate and phase', () => {
  const line = progressLine(
    'sync',
    {
      phase: 'transferring',
      filesDone: 3,
      filesTotal: 10,
      bytesDone: 5 * 1024 * 1024,
      bytesTotal: 10 * 1024 * 1024,
    },
    2.5 * 1024 * 1024,
    1000,
  );
  assert.equal(
    line,
    'sync [============------------]  50% | 3/10 files | 5.0 MiB/10.0 MiB | 2.5 MiB/s | transferring',
  );
  assert.match(progressLine('sync', { bytesDone: 0, bytesTotal: 10 }, null, 0), /0% \| 0 B\/10 B \| -- \/s$/);
  assert.match(
    progressLine('sync', { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 }, null, 0),
    /100%/,
  );
});

test('without totals the line shows the phase, any counts, and the time spent', () => {
  assert.equal(
    progressLine('checkpoint 3', { phase: 'writing' }, null, 1234),
    'checkpoint 3: writing (1.2 s)',
  );
  assert.equal(
    progressLine('checkpoint 3', { phase: 'writing', filesDone: 2, bytesDone: 2048 }, null, 61_000),
    'checkpoint 3: writing, 2 files, 2.0 KiB (1 min 1 s)',
  );
});

test('server progress objects are read in each of their spellings', () => {
  assert.deepEqual(
    snapshotOf({
      uuid: 'u',
      phase: 'transferring',
      files_done: 1,
      files_total: 2,
      bytes_done: 3,
      bytes_total: 4,
    }),
    { phase: 'transferring', filesDone: 1, filesTotal: 2, bytesDone: 3, bytesTotal: 4 },
  );
  assert.deepEqual(
    snapshotOf({ phase: 'checking', filesDone: 0, filesTotal: 5, bytesDone: 0, bytesTotal: 9 }),
    {
      phase: 'checking',
      filesDone: 0,
      filesTotal: 5,
      bytesDone: 0,
      bytesTotal: 9,
    },
  );
  assert.deepEqual(snapshotOf({ sequence_number: 2, phase: 'writing', files_written: 4 }), {
    phase: 'writing',
    filesDone: 4,
  });
  assert.deepEqual(snapshotOf('taking a checkpoint'), { phase: 'taking a checkpoint' });
  assert.deepEqual(snapshotOf(null), {});
});

test('bytes are shown in binary units', () => {
  assert.deepEqual([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes), [
    '0 B',
    '1023 B',
    '1.0 KiB',
    '1.5 KiB',
    '5.0 GiB',
  ]);
});

test('off a terminal the line is printed at the first report, periodically, and at the end if it changed', async () => {
  const written: string[] = [];
  const stream = { write: (chunk: string) => written.push(chunk) > 0, isTTY: false };
  const display = new ProgressDisplay('sync', stream, 100);
  display.stop();
  assert.deepEqual(written, [], 'nothing before the first report');

  const shown = new ProgressDisplay('sync', stream, 100);
  shown.update({ phase: 'transferring', bytesDone: 0, bytesTotal: 100 });
  assert.equal(written.length, 1, 'the first report is printed at once');
  // Waits for two periodic lines, however slow the machine is, rather than for a set time.
  while (written.length < 3) await new Promise((r) => setTimeout(r, 20));
  shown.update({ phase: 'transferring', bytesDone: 100, bytesTotal: 100 });
  shown.stop();
  const lines = written.join('').trimEnd().split('\n');
  assert.ok(lines.length >= 4, lines.join('\n'));
  assert.match(lines[0]!, /^sync \[-+\]\s+0% \| 0 B\/100 B/);
  assert.match(lines.at(-1)!, /^sync \[=+\] 100% \| 100 B\/100 B \| \d+ B\/s \| transferring$/);
  for (const line of lines) assert.doesNotMatch(line, /\x1b/, 'no terminal escapes in a log');

  const count = written.length;
  const same = new ProgressDisplay('x', stream, 10_000);
  same.update({ phase: 'a' });
  same.stop();
  assert.equal(written.length, count + 1, 'an unchanged line is not printed again at the end');
});
