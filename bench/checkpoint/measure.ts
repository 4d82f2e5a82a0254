/**
 * One state size of the checkpoint benchmark, making the calls src/runtime/checkpointer.ts
 * makes, each phase timed on its own (and reported on stderr as it ends):
 *  - capture: `circuit.exportState()` at a step boundary (Checkpointer.take, 'capturing state');
 *  - write: `CheckpointStore.write` of those files with the data plane's metadata (hash, write
 *    and fsync each new state file, rename, fsync the directory, write the manifest last);
 *  - plain: the same files written to a plain directory, all at once, each fsynced, then the
 *    directory fsynced: no hashing, no content addressing, no manifest (the comparison);
 *  - a second checkpoint after one step that updates a small share of the orders;
 *  - resume (Checkpointer.open + resume): open the store, `loadLatestValid` (read every file and
 *    verify its SHA-256), check the fingerprint, `importState` into a fresh circuit.
 * The loaded circuit is dropped before the resume, as in a restarted process. A full GC runs
 * before each timed phase (with --expose-gc), so no phase pays for an earlier one's garbage.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Circuit, compileProgram, type Program, type StateFile } from '../../src/engine/index.js';
import { fingerprintNumber } from '../../src/runtime/checkpointer.js';
import type { DataPlaneMeta } from '../../src/runtime/data-plane.js';
import { CheckpointStore, type NewCheckpoint, type WriteResult } from '../../src/storage/checkpoint-store.js';
import { bulkLoad, PROGRAM_SQL, seededRandom, updateOrders, type Workload, workloadFor } from './workload.js';

export interface SizeTask {
  targetMiB: number;
  /** Scratch directory of this size (created, and removed at the end). */
  dir: string;
  seed: number;
  /** Rows per step while loading. */
  batch: number;
  /** Share of the orders updated before the second checkpoint. */
  changePercent: number;
}

export interface CheckpointFigures {
  stateBytes: number;
  files: number;
  captureSeconds: number;
  writeSeconds: number;
  bytesWritten: number;
  filesWritten: number;
  filesReused: number;
}

export interface StateFileChange {
  name: string;
  bytes: number;
  /** Its bytes differ from the first checkpoint's file of that name. */
  changed: boolean;
}

export interface SizeResult {
  workload: Workload;
  loadSeconds: number;
  /** V8 heap in use after loading (after a full GC). */
  heapBytes: number;
  first: CheckpointFigures;
  plainWriteSeconds: number;
  changedOrders: number;
  changeStepSeconds: number;
  second: CheckpointFigures;
  secondFiles: StateFileChange[];
  readSeconds: number;
  importSeconds: number;
  peakRssBytes: number;
}

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();
const since = (start: number) => (performance.now() - start) / 1000;

/** Runs `fn` after a full GC; returns its seconds, also reported on stderr as `phase`. */
async function timed(phase: string, fn: () => unknown): Promise<number> {
  collectGarbage();
  const start = performance.now();
  await fn();
  const seconds = since(start);
  process.stderr.write(`  ${phase}: ${seconds.toFixed(2)} s\n`);
  return seconds;
}

function compile(): Program {
  const compiled = compileProgram(PROGRAM_SQL);
  if (!compiled.ok) throw new Error(`benchmark program does not compile: ${JSON.stringify(compiled.errors)}`);
  return compiled.program;
}

/** What Checkpointer.take hands to the store: the files plus the data plane's metadata. */
function newCheckpoint(
  program: Program,
  circuit: Circuit,
  records: number,
  files: StateFile[],
): NewCheckpoint {
  const meta: DataPlaneMeta = {
    lineage: 'bench',
    inputSeq: circuit.stepCount,
    completedSteps: circuit.stepCount,
    totalInputRecords: records,
    totalInputBytes: 0,
    totalProcessedRecords: records,
    outputSequences: {},
  };
  return {
    fingerprint: fingerprintNumber(program.fingerprint),
    steps: meta.completedSteps,
    processedRecords: meta.totalProcessedRecords,
    identifier: null,
    extra: meta,
    files,
  };
}

async function checkpoint(
  label: string,
  store: CheckpointStore,
  program: Program,
  circuit: Circuit,
  records: number,
): Promise<{ files: StateFile[]; figures: CheckpointFigures }> {
  let files: StateFile[] = [];
  const captureSeconds = await timed(`${label} capture`, () => {
    files = circuit.exportState();
  });
  let result: WriteResult | undefined;
  const writeSeconds = await timed(`${label} write`, async () => {
    result = await store.write(newCheckpoint(program, circuit, records, files));
  });
  const { bytesWritten, filesWritten, filesReused } = result!;
  const stateBytes = files.reduce((sum, f) => sum + f.data.length, 0);
  return {
    files,
    figures: {
      stateBytes,
      files: files.length,
      captureSeconds,
      writeSeconds,
      bytesWritten,
      filesWritten,
      filesReused,
    },
  };
}

/** The comparison: every file written and fsynced at once, then the directory fsynced. */
async function plainWrite(dir: string, files: StateFile[]): Promise<void> {
  await mkdir(dir);
  const sync = async (path: string, flags: string, data?: Buffer) => {
    const handle = await open(path, flags);
    try {
      if (data) await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
  await Promise.all(files.map((f) => sync(join(dir, f.name), 'w', f.data)));
  await sync(dir, 'r');
}

/** Each file of a capture, and whether its bytes differ from the earlier capture's. */
function compareCaptures(before: StateFile[], after: StateFile[]): StateFileChange[] {
  const old = new Map(before.map((f) => [f.name, f.data]));
  return after.map((f) => ({
    name: f.name,
    bytes: f.data.length,
    changed: !old.get(f.name)?.equals(f.data),
  }));
}

/** The sharing check: a checkpoint writes exactly the files whose bytes changed, nothing else. */
function assertWroteChanged(figures: CheckpointFigures, files: StateFileChange[]): void {
  const changed = files.filter((f) => f.changed);
  const bytes = changed.reduce((sum, f) => sum + f.bytes, 0);
  if (figures.bytesWritten !== bytes || figures.filesWritten !== changed.length)
    throw new Error(
      `second checkpoint wrote ${figures.filesWritten} files, ${figures.bytesWritten} bytes; ` +
        `exactly the ${changed.length} changed files (${bytes} bytes) were expected`,
    );
}

/** Loads, checkpoints, compares with a plain write, changes, checkpoints again. */
async function loadAndCheckpoint(task: SizeTask, program: Program) {
  const workload = workloadFor(task.targetMiB);
  const random = seededRandom(task.seed);
  const circuit = program.instantiate();
  let records = 0;
  const loadSeconds = await timed('bulk load', () => {
    records = bulkLoad(circuit, workload, task.batch, random);
  });
  collectGarbage();
  const heapBytes = process.memoryUsage().heapUsed;

  const store = await CheckpointStore.open(join(task.dir, 'store'));
  const first = await checkpoint('1st checkpoint', store, program, circuit, records);
  const plainDir = join(task.dir, 'plain');
  const plainWriteSeconds = await timed('plain write', () => plainWrite(plainDir, first.files));
  await rm(plainDir, { recursive: true });

  const changedOrders = Math.max(1, Math.round((workload.orders * task.changePercent) / 100));
  const changeStepSeconds = await timed('update step', () =>
    updateOrders(circuit, workload, changedOrders, random),
  );
  const second = await checkpoint('2nd checkpoint', store, program, circuit, records + changedOrders);
  const secondFiles = compareCaptures(first.files, second.files);
  assertWroteChanged(second.figures, secondFiles);
  return {
    workload,
    loadSeconds,
    heapBytes,
    steps: circuit.stepCount,
    first: first.figures,
    plainWriteSeconds,
    changedOrders,
    changeStepSeconds,
    second: second.figures,
    secondFiles,
  };
}

/** Resumes from the newest checkpoint into a fresh circuit, and checks what it got. */
async function resume(task: SizeTask, program: Program, workload: Workload, steps: number) {
  let files: Map<string, Buffer> = new Map();
  const readSeconds = await timed('resume read+verify', async () => {
    const store = await CheckpointStore.open(join(task.dir, 'store'));
    const { checkpoint } = await store.loadLatestValid();
    if (checkpoint?.manifest.fingerprint !== fingerprintNumber(program.fingerprint))
      throw new Error('no checkpoint of this program to resume from');
    files = checkpoint.files;
  });
  const circuit = program.instantiate();
  const importSeconds = await timed('resume import', () =>
    circuit.importState([...files].map(([name, data]) => ({ name, data }))),
  );
  const orders = circuit.snapshot('orders').length;
  if (circuit.stepCount !== steps || orders !== workload.orders)
    throw new Error(
      `resumed at step ${circuit.stepCount} with ${orders} orders; expected ${steps}, ${workload.orders}`,
    );
  return { readSeconds, importSeconds };
}

export async function measureSize(task: SizeTask): Promise<SizeResult> {
  try {
    const program = compile();
    const { steps, ...loaded } = await loadAndCheckpoint(task, program);
    const resumed = await resume(task, program, loaded.workload, steps);
    return { ...loaded, ...resumed, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  } finally {
    await rm(task.dir, { recursive: true, force: true });
  }
}
