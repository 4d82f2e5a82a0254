/**
 * The work that turns sealed heads into batches and batches into fewer batches, described as
 * plain messages so that it runs the same on the merge worker thread and inline.
 */

import { type BuildTarget, type Built, buildFromRecords, mergeBatches, writeImage } from './batch-build.js';
import type { BatchSource } from './batch-reader.js';

export type Job =
  /** `records` views an ArrayBuffer of its own, transferred (detached) when sent to the worker. */
  | { kind: 'build'; records: Buffer; target: BuildTarget }
  | {
      kind: 'merge';
      sources: Array<{ source: BatchSource; size: number }>;
      dropTombstones: boolean;
      target: BuildTarget;
    }
  | { kind: 'write'; image: Buffer; entries: number; dir: string };

export function runJob(job: Job): Built {
  switch (job.kind) {
    case 'build':
      return buildFromRecords(job.records, job.target);
    case 'merge':
      return mergeBatches(job.sources, job.dropTombstones, job.target);
    case 'write':
      return writeImage(job.image, job.entries, job.dir);
  }
}

export interface JobRequest {
  id: number;
  job: Job;
}

export type JobReply =
  | { id: number; ok: true; built: Built }
  | { id: number; ok: false; message: string; code?: string };

/** Structured cloning turns Buffers into plain Uint8Arrays; this views them as Buffers again. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The job as sent, with its buffers viewed as Buffers again. */
export function revive(job: Job): Job {
  switch (job.kind) {
    case 'build':
      return { ...job, records: asBuffer(job.records) };
    case 'write':
      return { ...job, image: asBuffer(job.image) };
    case 'merge':
      return {
        ...job,
        sources: job.sources.map(({ source, size }) => ({
          source: 'image' in source ? { image: asBuffer(source.image) } : source,
          size,
        })),
      };
  }
}
