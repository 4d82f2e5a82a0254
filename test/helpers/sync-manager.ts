/**
 * The set-up the checkpoint-sync e2e tests share (test/e2e/sync*.test.ts): for one `describe`
 * block, an S3 test server (kind from SLUICE_TEST_S3) holding one bucket, and a manager whose
 * pipelines all run SYNC_PROGRAM.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { lateBound } from './late-bound.js';
import { startTestManager, type TestManager } from './manager.js';
import { type S3TestServer, startS3Server } from './s3server.js';

/** A table of items and a view that groups them, so a restored state shows in a few rows. */
export const SYNC_PROGRAM = `
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, grp VARCHAR NOT NULL, qty INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n, SUM(qty) AS total FROM items GROUP BY grp;
`;
/** SYNC_PROGRAM's view, rows `{ grp, n, total }` ordered by `grp`. */
export const SYNC_GROUPS = 'SELECT grp, n, total FROM per_group ORDER BY grp';

export interface SyncManager {
  /** The manager, started after the server and its bucket; closed before the server stops. */
  m: TestManager;
  s3: S3TestServer;
  /**
   * Creates pipeline `name` running SYNC_PROGRAM with `sync` as its storage's sync section
   * (null: default storage, no sync) and waits up to 15 s for it to compile; an answer other
   * than 201 fails the test.
   */
  create(name: string, sync: object | null): Promise<void>;
}

/** A runtime_config with `sync` (null: none), no fault tolerance and no periodic checkpoints. */
export function syncRuntimeConfig(sync: object | null) {
  return {
    storage: sync ? { backend: { name: 'file', config: { sync } } } : { backend: { name: 'default' } },
    fault_tolerance: { model: 'none', checkpoint_interval_secs: null },
  };
}

/**
 * Registers, in the calling `describe`, a `before` hook that starts the S3 server, creates
 * `bucket` on it and starts a manager, and an `after` hook that closes the manager and then
 * stops the server. `m` and `s3` stand for them from the `before` hook on
 * (test/helpers/late-bound.ts); the file's own `before` hooks, registered after this call,
 * run once they are up.
 */
export function useSyncManager(bucket: string): SyncManager {
  const s3 = lateBound<S3TestServer>('S3 test server');
  const m = lateBound<TestManager>('test manager');
  before(async () => {
    s3.bind(await startS3Server());
    await s3.handle.createBucket(bucket);
    m.bind(await startTestManager());
  });
  after(async () => {
    await m.handle.close();
    await s3.handle.stop();
  });
  return {
    m: m.handle,
    s3: s3.handle,
    async create(name, sync) {
      const res = await m.handle.request('POST', '/v0/pipelines', {
        name,
        program_code: SYNC_PROGRAM,
        runtime_config: syncRuntimeConfig(sync),
      });
      assert.equal(res.status, 201, res.text);
      await m.handle.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
    },
  };
}
