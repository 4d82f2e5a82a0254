/**
 * The pipeline's statistics over time, for `GET /time_series` and `GET /time_series_stream`
 * (Feldera 0.312's `TimeSeries` and `SampleStatistics`, which its web console graphs).
 *
 * One sample per second: `t` the sample time (RFC 3339), `r` the records processed so far,
 * `m` the process's resident memory in bytes, `s` the bytes the pipeline's storage directory
 * holds (checkpoints and batch files). The last 60 samples are kept, as Feldera keeps 60
 * seconds. Walking the storage directory costs a `stat` per file, so it runs every
 * `STORAGE_SCAN_MS`, asynchronously and never twice at once; samples in between repeat the
 * last size. The timers are `unref`ed: they never keep the process alive.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One sample (Feldera's `SampleStatistics`). */
export interface Sample {
  /** Sample time, RFC 3339. */
  t: string;
  /** Records processed since the pipeline started. */
  r: number;
  /** Resident memory of the pipeline process, bytes. */
  m: number;
  /** Bytes in the pipeline's storage directory. */
  s: number;
}

export const SAMPLE_INTERVAL_MS = 1000;
export const SAMPLES_KEPT = 60;
const STORAGE_SCAN_MS = 5000;

export class TimeSeries {
  private readonly samples: Sample[] = [];
  private readonly subscribers = new Set<(sample: Sample) => void>();
  private storage = 0;
  private scanning = false;
  private sampleTimer: NodeJS.Timeout | null = null;
  private scanTimer: NodeJS.Timeout | null = null;

  /**
   * @param processedRecords reads the records processed so far
   * @param storageDir the directory whose size is `s` (absent: 0 bytes)
   */
  constructor(
    private readonly processedRecords: () => number,
    private readonly storageDir: string,
  ) {}

  /** Bytes in the storage directory at the last scan. */
  get storageBytes(): number {
    return this.storage;
  }

  start(): void {
    void this.scanStorage();
    this.sampleTimer = setInterval(() => this.takeSample(), SAMPLE_INTERVAL_MS).unref();
    this.scanTimer = setInterval(() => void this.scanStorage(), STORAGE_SCAN_MS).unref();
  }

  stop(): void {
    if (this.sampleTimer) clearInterval(this.sampleTimer);
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.subscribers.clear();
  }

  /** The `TimeSeries` object: `now` and the kept samples, oldest first. */
  snapshot(): { now: string; samples: Sample[] } {
    return { now: new Date().toISOString(), samples: [...this.samples] };
  }

  /** Calls `onSample` with each new sample until the returned function is called. */
  subscribe(onSample: (sample: Sample) => void): () => void {
    this.subscribers.add(onSample);
    return () => this.subscribers.delete(onSample);
  }

  private takeSample(): void {
    const sample: Sample = {
      t: new Date().toISOString(),
      r: this.processedRecords(),
      m: process.memoryUsage.rss(),
      s: this.storage,
    };
    this.samples.push(sample);
    if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
    for (const subscriber of this.subscribers) subscriber(sample);
  }

  private async scanStorage(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      this.storage = await directoryBytes(this.storageDir);
    } finally {
      this.scanning = false;
    }
  }
}

/** Total size of the regular files under `dir`, bytes; entries that vanish mid-walk count 0. */
export async function directoryBytes(dir: string): Promise<number> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(path);
    else if (entry.isFile())
      total += await stat(path).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}
