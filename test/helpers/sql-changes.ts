/**
 * Random changes to the differential harnesses' tables (t1 and t2 keyed by `id`, t3 a bag of
 * `(x, y)`), shared by the SQLite (sql-oracle.ts) and Postgres (sql-pg-oracle.ts) oracles.
 * The generator pushes each change into the Sluice circuit and returns it, so that each oracle
 * applies the same change in its own SQL.
 *
 * The random draws are in a fixed order per dialect, so a seed names the same change stream
 * from one run to the next (failure messages quote seeds).
 */
import { type Circuit, Decimal, type Value } from '../../src/engine/index.js';
import { STRINGS } from './sql-generator.js';
import type { Random } from './sql-random.js';

export type Row = Value[];

/** One change, as an oracle applies it. `row` holds the engine's values (DECIMAL as Decimal). */
export type TableChange =
  | { kind: 'insert-bag'; row: Row }
  | { kind: 'delete-bag'; row: Row }
  | { kind: 'delete-key'; table: 't1' | 't2'; id: number }
  | { kind: 'upsert'; table: 't1' | 't2'; row: Row };

/**
 * Draws changes for one case. With `decimals` (the Postgres tables), t1 and t2 end in a
 * DECIMAL(6, 2) column `m`.
 */
export class ChangeGenerator {
  private readonly t1 = new Map<number, Row>();
  private readonly t2 = new Map<number, Row>();
  private readonly t3: Row[] = [];

  constructor(
    private readonly r: Random,
    private readonly decimals: boolean,
  ) {}

  private int(): number | null {
    return this.r.chance(0.15) ? null : this.r.int(-3, 5);
  }

  private str(): string | null {
    return this.r.chance(0.15) ? null : this.r.pick(STRINGS);
  }

  private dbl(): number | null {
    return this.r.chance(0.15) ? null : this.r.int(-8, 8) / 4;
  }

  /** A DECIMAL(6, 2) value, small enough that products fit. */
  private dec(): Decimal | null {
    return this.r.chance(0.15) ? null : Decimal.parse((this.r.int(-2000, 2000) / 100).toFixed(2))!;
  }

  /** One to eight random inserts, upserts and deletes, each already pushed into `circuit`. */
  next(circuit: Circuit): TableChange[] {
    const r = this.r;
    const out: TableChange[] = [];
    const ops = r.int(1, 8);
    for (let i = 0; i < ops; i++) {
      const which = r.int(0, 2);
      if (which === 2) {
        if (this.t3.length > 0 && r.chance(0.35)) {
          const idx = r.int(0, this.t3.length - 1);
          const row = this.t3[idx]!;
          this.t3.splice(idx, 1);
          out.push({ kind: 'delete-bag', row });
          circuit.push('t3', [{ row, weight: -1 }]);
        } else {
          const row = [this.int(), this.int()];
          this.t3.push(row);
          out.push({ kind: 'insert-bag', row });
          circuit.push('t3', [{ row, weight: 1 }]);
        }
        continue;
      }
      const table = which === 0 ? this.t1 : this.t2;
      const name = which === 0 ? 't1' : 't2';
      const id = r.int(1, 12);
      if (table.has(id) && r.chance(0.3)) {
        table.delete(id);
        out.push({ kind: 'delete-key', table: name, id });
        const arity = (which === 0 ? 5 : 4) + (this.decimals ? 1 : 0);
        // Deletes by key alone half of the time.
        const row = r.chance(0.5) ? [id] : [id, ...new Array(arity - 1).fill(null)];
        circuit.push(name, [{ row, weight: -1 }]);
      } else {
        const row: Row =
          which === 0
            ? [id, this.int(), this.int(), this.str(), this.dbl()]
            : [id, this.int(), this.int(), this.str()];
        if (this.decimals) row.push(this.dec());
        table.set(id, row);
        out.push({ kind: 'upsert', table: name, row });
        circuit.push(name, [{ row, weight: 1 }]);
      }
    }
    return out;
  }
}
