/**
 * The worker thread that builds and merges batches off the step path: it receives jobs
 * (jobs.ts) one at a time and answers each with the batch it made or the error it met. Batch
 * images it receives or returns are in shared memory, so they are not copied.
 */
import { parentPort } from 'node:worker_threads';
import { type JobReply, type JobRequest, revive, runJob } from './jobs.js';

parentPort?.on('message', ({ id, job }: JobRequest) => {
  let reply: JobReply;
  try {
    reply = { id, ok: true, built: runJob(revive(job)) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reply = { id, ok: false, message: e.message, code: e.code };
  }
  // An image lives in a SharedArrayBuffer (batch-build.ts): posting it shares, not copies, it.
  parentPort?.postMessage(reply);
});
