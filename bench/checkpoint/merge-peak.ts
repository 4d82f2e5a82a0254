/**
 * The memory one merge takes: builds four batch files (one holding 85% of the entries, three
 * of 5% each, keys interleaved, entries of about 85 bytes like the checkpoint benchmark's),
 * then, in a fresh process, merges them on this thread as the merge worker would and prints
 * one JSON line: RSS before, peak RSS (VmHWM) and its rise, the output's MiB, CPU seconds.
 * The rise grows with the largest merge, hence with the state (docs/design/state.md, Memory).
 *
 *   node --import tsx bench/checkpoint/merge-peak.ts build DIR [MILLIONS=4]
 *   node --import tsx bench/checkpoint/merge-peak.ts merge DIR
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildFromRecords, mergeBatches } from '../../src/engine/trace/batch-build.js';
import { ByteBuffer } from '../../src/engine/trace/batch-format.js';

const [mode, dir, millions = '4'] = process.argv.slice(2);
if (!dir || (mode !== 'build' && mode !== 'merge')) {
  console.error('usage: merge-peak.ts build DIR [MILLIONS] | merge DIR');
  process.exit(2);
}

function statusMiB(field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match![1]) / 1024;
}

if (mode === 'build') {
  mkdirSync(dir, { recursive: true });
  const total = Number(millions) * 1e6;
  const parts = [0.85, 0.05, 0.05, 0.05].map((share) => Math.floor(total * share));
  let seq = 0;
  for (const [part, n] of parts.entries()) {
    const w = new ByteBuffer();
    w.u32(n);
    for (let i = 0; i < n; i++) {
      // A multiplicative hash spreads consecutive sequence numbers over the key space.
      const key = `${String((seq++ * 2654435761) % 4294967291).padStart(10, '0')}|customer ${i % 99991}|x`;
      w.key(key, 0);
      w.u32(11);
      const value = Buffer.from(`order ${i} via web, dock ${i % 100}, handle with care`);
      w.u32(value.length);
      w.bytes(value);
    }
    const built = buildFromRecords(w.finishOwned(), { dir });
    if (built.kind !== 'file') throw new Error('expected a batch file');
    renameSync(built.temp, join(dir, `input-${part}`));
  }
} else {
  const inputs = readdirSync(dir)
    .filter((f) => f.startsWith('input-'))
    .sort()
    .map((f) => ({ source: { path: join(dir, f) }, size: statSync(join(dir, f)).size }));
  const before = statusMiB('VmRSS');
  const cpuBefore = process.cpuUsage();
  const out = mergeBatches(inputs, true, { dir });
  const cpu = process.cpuUsage(cpuBefore);
  const peak = statusMiB('VmHWM');
  if (out.kind === 'file') rmSync(out.temp);
  console.log(
    JSON.stringify({
      rssBeforeMiB: Math.round(before),
      peakRssMiB: Math.round(peak),
      riseMiB: Math.round(peak - before),
      outputMiB: Math.round(out.size / 2 ** 20),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    }),
  );
}
