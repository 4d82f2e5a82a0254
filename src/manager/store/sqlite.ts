/**
 * The embedded metadata store: one SQLite file (better-sqlite3) in the data directory.
 *
 * Each pipeline is one row: the columns that are looked up (id, name) plus the whole record
 * as JSON, so that adding a field needs no migration. better-sqlite3 is synchronous; async
 * transactions are serialized through a promise queue so that two requests never interleave
 * inside BEGIN…COMMIT on the one connection. WAL mode and `synchronous=FULL` make a commit
 * durable before the API answers.
 *
 * The file holds object-store secrets and deployment tokens, so it is created 0600 before
 * SQLite opens it: SQLite gives its `-wal` and `-shm` files the mode of the database file,
 * whatever the umask. An existing file (and its `-wal`/`-shm`) is made 0600 too.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE } from '../../types/runtime.js';
import { monitorEvent, monitoredStatus, PIPELINE_EVENTS_KEPT } from './monitor-events.js';
import type { ApiKeyRecord, MetadataStore, PipelineMonitorEvent, PipelineRecord, StoreTx } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pipelines (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pipeline_events_by_pipeline ON pipeline_events (pipeline_id, seq);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
`;

/** Creates `path` empty with the private mode unless it exists. */
function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** MetadataStore backed by an embedded SQLite database file. */
export class SqliteStore implements MetadataStore {
  private readonly db: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly tx: StoreTx;

  /**
   * Opens (creating if missing) the metadata database at `path`. `busyTimeoutMs` is how long a
   * statement waits for another connection's write lock before failing with "database is
   * locked" (default 5 s).
   */
  constructor(path: string, options: { busyTimeoutMs?: number } = {}) {
    // Created with its mode here; never opened with a plain descriptor once it exists (closing
    // one would drop the POSIX locks SQLite holds on it in this process).
    createPrivateFile(path);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
    }
    this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.tx = this.makeTx();
  }

  private makeTx(): StoreTx {
    const db = this.db;
    const listPipelines = db.prepare<[], { doc: string }>('SELECT doc FROM pipelines ORDER BY name');
    const byName = db.prepare<[string], { doc: string }>('SELECT doc FROM pipelines WHERE name = ?');
    const byId = db.prepare<[string], { doc: string }>('SELECT doc FROM pipelines WHERE id = ?');
    const insert = db.prepare('INSERT INTO pipelines (id, name, doc) VALUES (?, ?, ?)');
    const update = db.prepare('UPDATE pipelines SET name = ?, doc = ? WHERE id = ?');
    const del = db.prepare('DELETE FROM pipelines WHERE id = ?');
    const insertEvent = db.prepare('INSERT INTO pipeline_events (pipeline_id, doc) VALUES (?, ?)');
    const listEvents = db.prepare<[string, number], { doc: string }>(
      'SELECT doc FROM pipeline_events WHERE pipeline_id = ? ORDER BY seq DESC LIMIT ?',
    );
    const trimEvents = db.prepare(
      'DELETE FROM pipeline_events WHERE pipeline_id = ? AND seq <= (SELECT seq FROM pipeline_events WHERE pipeline_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    );
    const delEvents = db.prepare('DELETE FROM pipeline_events WHERE pipeline_id = ?');
    /** Stores a monitor event when `r`'s statuses differ from `before`'s (monitor-events.ts). */
    const recordEvent = (r: PipelineRecord, before: PipelineRecord | undefined) => {
      if (before && monitoredStatus(before) === monitoredStatus(r)) return;
      insertEvent.run(r.id, JSON.stringify(monitorEvent(r, randomUUID(), new Date().toISOString())));
      trimEvents.run(r.id, r.id, PIPELINE_EVENTS_KEPT);
    };
    const listKeys = db.prepare<[], { doc: string }>('SELECT doc FROM api_keys ORDER BY name');
    const keyByName = db.prepare<[string], { doc: string }>('SELECT doc FROM api_keys WHERE name = ?');
    const keyByHash = db.prepare<[string], { doc: string }>('SELECT doc FROM api_keys WHERE hash = ?');
    const insertKey = db.prepare('INSERT INTO api_keys (id, name, hash, doc) VALUES (?, ?, ?, ?)');
    const delKey = db.prepare('DELETE FROM api_keys WHERE id = ?');
    const parse = <T>(row: { doc: string } | undefined): T | undefined =>
      row ? (JSON.parse(row.doc) as T) : undefined;
    return {
      listPipelines: async () => listPipelines.all().map((r) => JSON.parse(r.doc) as PipelineRecord),
      getPipelineByName: async (name) => parse<PipelineRecord>(byName.get(name)),
      getPipelineById: async (id) => parse<PipelineRecord>(byId.get(id)),
      insertPipeline: async (r) => {
        insert.run(r.id, r.name, JSON.stringify(r));
        recordEvent(r, undefined);
      },
      updatePipeline: async (r) => {
        const before = parse<PipelineRecord>(byId.get(r.id));
        update.run(r.name, JSON.stringify(r), r.id);
        recordEvent(r, before);
      },
      deletePipeline: async (id) => {
        del.run(id);
        delEvents.run(id);
      },
      listPipelineEvents: async (pipelineId) =>
        listEvents
          .all(pipelineId, PIPELINE_EVENTS_KEPT)
          .map((r) => JSON.parse(r.doc) as PipelineMonitorEvent),
      listApiKeys: async () => listKeys.all().map((r) => JSON.parse(r.doc) as ApiKeyRecord),
      getApiKeyByName: async (name) => parse<ApiKeyRecord>(keyByName.get(name)),
      getApiKeyByHash: async (hash) => parse<ApiKeyRecord>(keyByHash.get(hash)),
      insertApiKey: async (r) => {
        insertKey.run(r.id, r.name, r.hash, JSON.stringify(r));
      },
      deleteApiKey: async (id) => {
        delKey.run(id);
      },
    };
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.tx);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
