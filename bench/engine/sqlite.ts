/**
 * SQLite recompute: what a user without an incremental engine would do. The tables live in an
 * in-memory better-sqlite3 database with the keys and index a user would declare; a batch is
 * written in one transaction, then the view is recomputed from scratch into a result table
 * (DROP + CREATE TABLE ... AS SELECT). Refreshing a table inside SQLite was the fastest way we
 * found to recompute: reading a large result into JS (`.iterate()`, `.all()`) took 3-10 times as
 * long as recomputing it into a table, which would make SQLite look worse than it is.
 */
import Database from 'better-sqlite3';
import type { Batch } from './data.js';
import { rowHash, type ViewEngine } from './view-engine.js';
import { SQLITE_TABLES, VIEW_SQL, type ViewName } from './views.js';

export class SqliteEngine implements ViewEngine {
  private readonly db = new Database(':memory:');
  private readonly write: (batch: Batch) => void;
  private readonly refresh: string;

  constructor(view: ViewName) {
    this.db.exec(SQLITE_TABLES);
    const insertCustomer = this.db.prepare('INSERT INTO customers VALUES (?, ?, ?)');
    const deleteCustomer = this.db.prepare('DELETE FROM customers WHERE id = ?');
    const insertOrder = this.db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?)');
    const deleteOrder = this.db.prepare('DELETE FROM orders WHERE id = ?');
    // Deletes first, so an update (old row out, new row in) never collides on the key.
    this.write = this.db.transaction((batch: Batch) => {
      for (const [row, weight] of batch.customers) if (weight < 0) deleteCustomer.run(row[0]);
      for (const [row, weight] of batch.orders) if (weight < 0) deleteOrder.run(row[0]);
      for (const [row, weight] of batch.customers) if (weight > 0) insertCustomer.run(row);
      for (const [row, weight] of batch.orders) if (weight > 0) insertOrder.run(row);
    });
    this.refresh = `DROP TABLE IF EXISTS view_result; CREATE TABLE view_result AS ${VIEW_SQL[view]};`;
  }

  prepare(batch: Batch): () => void {
    return () => {
      this.write(batch);
      this.db.exec(this.refresh);
    };
  }

  load(batch: Batch): void {
    this.write(batch);
  }

  /** The view is recomputed whole on every step, so there is no delta to fold. */
  settle(): void {}

  /** Recomputes (the last step may have been a `load`) and sums the result table. */
  checksum(): number {
    this.db.exec(this.refresh);
    let sum = 0;
    for (const row of this.db.prepare('SELECT * FROM view_result').raw(true).iterate())
      sum += rowHash(row as unknown[]);
    return sum;
  }
}
