/**
 * Memory samples of the measuring process, by phase (`BENCH_MEMORY_TRACE=<ms>` turns it on):
 * every interval one stderr line with the phase, VmRSS and VmHWM from `/proc/self/status`, and
 * `process.memoryUsage()` (the main thread's V8 heap, external memory and the ArrayBuffers part
 * of it), and the committed bytes of each of the main thread's V8 spaces (old, code, young,
 * large objects). What lies outside heapTotal + external is code, the merge worker's isolate
 * and malloc.
 * Phases also get a line of their own when they start, so a peak can be placed in time.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const MIB = 2 ** 20;

function procKiB(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

function sample(phase: string, started: number): string {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // Not Linux: process.memoryUsage() alone.
  }
  const m = process.memoryUsage();
  const mib = (bytes: number) => (bytes / MIB).toFixed(0);
  return [
    `mem t=${((performance.now() - started) / 1000).toFixed(1)}s`,
    `phase=${phase}`,
    `rss=${(procKiB(status, 'VmRSS') / 1024).toFixed(0)}`,
    `hwm=${(procKiB(status, 'VmHWM') / 1024).toFixed(0)}`,
    `heapUsed=${mib(m.heapUsed)}`,
    `heapTotal=${mib(m.heapTotal)}`,
    `external=${mib(m.external)}`,
    `arrayBuffers=${mib(m.arrayBuffers)}`,
    // Committed bytes of each V8 space of the main thread (old, code, large objects, young...).
    ...getHeapSpaceStatistics().map(
      (s) => `${s.space_name.replace('_space', '')}=${mib(s.physical_space_size)}`,
    ),
  ].join(' ');
}

/** Starts sampling if BENCH_MEMORY_TRACE is set; `phase` names what runs from now on. */
export function memoryTrace(): { phase: (name: string) => void; stop: () => void } {
  const intervalMs = Number(process.env.BENCH_MEMORY_TRACE ?? 0);
  if (!(intervalMs > 0)) return { phase: () => undefined, stop: () => undefined };
  const started = performance.now();
  let current = 'start';
  const write = () => process.stderr.write(`${sample(current, started)}\n`);
  const timer = setInterval(write, intervalMs);
  timer.unref();
  return {
    phase: (name) => {
      current = name;
      write();
    },
    stop: () => {
      write();
      clearInterval(timer);
    },
  };
}
