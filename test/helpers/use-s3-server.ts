/**
 * One S3 test server for the whole test file: started by a `before` hook, killed and its files
 * deleted by an `after` hook. The server kind is `requestedS3ServerKind()` (SLUICE_TEST_S3);
 * no bucket is created, so each test makes its own (`uniqueBucket()`) and tests stay isolated.
 *
 *   const s3 = useS3Server();   // at the top level of a test file
 *   test('...', async () => { await s3.createBucket(uniqueBucket()); ... });
 *
 * Returns a handle that stands for the running server (test/helpers/late-bound.ts): tests may
 * `kill` and `restart` it, and the handle keeps following it; using it outside a test or hook
 * of the file throws.
 */
import { after, before } from 'node:test';
import { lateBound } from './late-bound.js';
import { type S3TestServer, startS3Server } from './s3server.js';

export function useS3Server(): S3TestServer {
  const late = lateBound<S3TestServer>('S3 test server');
  before(async () => late.bind(await startS3Server()));
  after(() => late.handle.stop());
  return late.handle;
}
