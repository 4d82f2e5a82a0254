/**
 * Why a pipeline process died, read from how it exited and the last lines it wrote.
 *
 * A process that outgrows its JavaScript heap (`--max-old-space-size`, set from
 * `resources.memory_mb_max` by src/types/runtime.ts) is aborted by V8 itself: it prints
 * `FATAL ERROR: … JavaScript heap out of memory` and a native stack to stderr, then raises
 * SIGABRT. The pipeline never gets to write its fatal-error file, so without this the user sees
 * only "killed by SIGABRT". Under exactly_once a restart replays the same journaled input and
 * dies the same way, so the message says what to change.
 */
import type { ExitInfo } from './executor.js';

/** V8's words when the old generation cannot grow (both of its "heap limit" fatal errors). */
const HEAP_OOM_MARKER = 'JavaScript heap out of memory';

/** The process ran out of JavaScript heap: SIGABRT (or exit code 134) with V8's message in its log. */
export function diedOfHeapExhaustion(exit: ExitInfo | null, logLines: readonly string[]): boolean {
  const aborted = exit !== null && (exit.signal === 'SIGABRT' || exit.code === 134);
  return aborted && logLines.some((line) => line.includes(HEAP_OOM_MARKER));
}

/**
 * The deployment error's message for a heap exhaustion. `memoryMbMax` is the pipeline's
 * `resources.memory_mb_max` (MiB), null when unbounded (Node's default heap limit applies).
 */
export function heapExhaustionMessage(memoryMbMax: number | null): string {
  const limit =
    memoryMbMax === null
      ? "Node's default heap limit (resources.memory_mb_max is not set)"
      : `the heap limit derived from resources.memory_mb_max (${memoryMbMax} MiB)`;
  return (
    `Pipeline process ran out of memory: its JavaScript heap reached ${limit} and V8 aborted it. ` +
    'Raise resources.memory_mb_max or send input in smaller requests; a restart replays input ' +
    'that was acknowledged but not yet checkpointed, which needs the same memory again.'
  );
}
