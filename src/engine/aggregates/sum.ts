/**
 * SUM and AVG: a running total and the number of non-NULL values; a retraction subtracts. The
 * total is exact (bigint for BIGINT and DECIMAL), so intermediate sums cannot overflow; only
 * the result is checked against its type.
 */
import { SqlRuntimeError } from '../errors.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { fitDecimal } from '../values/cast.js';
import { Decimal } from '../values/decimal.js';
import { ValueError } from '../values/errors.js';
import { bigIntRange, type ColumnType, isSmallInteger, SMALL_INT_RANGES } from '../values/types.js';
import type { Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';

function outOfRange(fn: string, type: ColumnType, v: unknown): never {
  throw new SqlRuntimeError(`${fn} overflow: result ${String(v)} does not fit ${type.type}`);
}

/** Exact running sum in a representation chosen by the argument type. */
type Total = number | bigint;

/** SUM and AVG: a running total and the number of non-NULL values. */
class SumAccumulator implements Accumulator {
  private total: Total;
  private n = 0;

  constructor(
    private readonly type: ColumnType,
    private readonly average: boolean,
  ) {
    this.total = this.usesBigInt() ? 0n : 0;
  }

  private usesBigInt(): boolean {
    return this.type.type === 'BIGINT' || this.type.type === 'UBIGINT' || this.type.type === 'DECIMAL';
  }

  checkpoint(undo: UndoLog): void {
    const { total, n } = this;
    undo.record(() => {
      this.total = total;
      this.n = n;
    });
  }

  add(v: Value, weight: number): void {
    if (v === null) return;
    this.n += weight;
    if (typeof v === 'number') this.total = (this.total as number) + v * weight;
    else if (typeof v === 'bigint') this.total = (this.total as bigint) + v * BigInt(weight);
    else if (v instanceof Decimal)
      this.total = (this.total as bigint) + v.rescale(this.type.scale ?? 0).unscaled * BigInt(weight);
  }

  result(): Value {
    if (this.n <= 0) return null;
    const fn = this.average ? 'AVG' : 'SUM';
    const t = this.type;
    if (isSmallInteger(t)) {
      const r = this.average ? Math.trunc((this.total as number) / this.n) : (this.total as number);
      const [min, max] = SMALL_INT_RANGES[t.type];
      return r >= min && r <= max ? r : outOfRange(fn, t, r);
    }
    switch (t.type) {
      case 'BIGINT':
      case 'UBIGINT': {
        const r = this.average ? (this.total as bigint) / BigInt(this.n) : (this.total as bigint);
        const [min, max] = bigIntRange(t);
        return r >= min && r <= max ? r : outOfRange(fn, t, r);
      }
      case 'DECIMAL': {
        const scale = t.scale ?? 0;
        // AVG truncates toward zero, as Feldera's does (2231.90 and 3802.71 average to 3017.30).
        const total = this.total as bigint;
        const d = new Decimal(this.average ? total / BigInt(this.n) : total, scale);
        try {
          return fitDecimal(d, t);
        } catch (e) {
          if (e instanceof ValueError) return outOfRange(fn, t, d);
          throw e;
        }
      }
      default: {
        const r = this.average ? (this.total as number) / this.n : (this.total as number);
        return t.type === 'REAL' ? Math.fround(r) : r;
      }
    }
  }

  write(w: StateWriter): void {
    w.value(this.total);
    w.f64(this.n);
  }

  read(r: StateReader): void {
    this.total = r.value() as Total;
    this.n = r.f64();
  }
}

export const SUM_AGGREGATES: AggregateFamily = {
  /** The result type is the SQL side's (wider than the argument for DECIMAL); same scale. */
  sum: { make: (_arg, result) => new SumAccumulator({ ...result, nullable: true }, false) },
  avg: { make: (_arg, result) => new SumAccumulator({ ...result, nullable: true }, true) },
};
