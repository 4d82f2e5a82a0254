/**
 * STDDEV_POP, STDDEV_SAMP, VAR_POP and VAR_SAMP. Feldera computes them from three sums, n =
 * COUNT(x), s = SUM(x) and q = SUM(x * x), in the argument's own type, as
 *
 *   var = (q - s * s / n) / d      (d = n for _POP, n - 1 for _SAMP; d = 0 gives NULL)
 *   stddev = sqrt(var)             (through DOUBLE, then cast back to the argument's type)
 *
 * so for integers both divisions truncate: over 5 and 4, STDDEV_SAMP is sqrt((41 - 81 / 2) / 1)
 * = 1, not 0.7 (and over 255 and 1 as TINYINT UNSIGNED it is 179). Integers and DECIMALs keep
 * n, s and q exactly (bigint), so a retraction subtracts and nothing is rescanned; a DECIMAL
 * result is the exact value truncated to the argument's scale (2154.111... is 2154.11). An
 * integer s * s beyond Feldera's 128-bit intermediates fails the step as Feldera's does.
 * DOUBLE and REAL keep the multiset of values and sum it in value order when the result is
 * read, so the result does not depend on the order of insertions and retractions.
 */
import { SqlRuntimeError } from '../errors.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { fitDecimal } from '../values/cast.js';
import { Decimal } from '../values/decimal.js';
import { ValueError } from '../values/errors.js';
import {
  bigIntRange,
  type ColumnType,
  isFloatType,
  isSmallInteger,
  SMALL_INT_RANGES,
  typeToSql,
} from '../values/types.js';
import { compareValues, type Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';
import { SortedBag } from './sorted-bag.js';

interface Statistic {
  /** Divide by n - 1 (sample) rather than n (population). */
  sample: boolean;
  /** Take the square root (STDDEV) or not (VAR). */
  root: boolean;
  name: string;
}

const I128_MAX = 2n ** 127n - 1n;

/** Integer square root, rounded down, of a non-negative bigint. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

function overflow(stat: Statistic, type: ColumnType, v: unknown): never {
  throw new SqlRuntimeError(`${stat.name} overflow: result ${String(v)} does not fit ${typeToSql(type)}`);
}

/** Exact n, SUM(x) and SUM(x * x) for integer and DECIMAL arguments (DECIMAL as unscaled). */
class ExactStatAccumulator implements Accumulator {
  private n = 0;
  private s = 0n;
  private q = 0n;
  private readonly scale: number;

  constructor(
    private readonly stat: Statistic,
    private readonly type: ColumnType,
  ) {
    this.scale = type.type === 'DECIMAL' ? (type.scale ?? 0) : 0;
  }

  checkpoint(undo: UndoLog): void {
    const { n, s, q } = this;
    undo.record(() => {
      this.n = n;
      this.s = s;
      this.q = q;
    });
  }

  add(v: Value, weight: number): void {
    if (v === null) return;
    const x =
      v instanceof Decimal ? v.rescale(this.scale).unscaled : typeof v === 'bigint' ? v : BigInt(v as number);
    const w = BigInt(weight);
    this.n += weight;
    this.s += x * w;
    this.q += x * x * w;
  }

  result(): Value {
    const d = this.stat.sample ? this.n - 1 : this.n;
    if (this.n <= 0 || d <= 0) return null;
    const { s, q } = this;
    const square = s * s;
    if (square > I128_MAX || q > I128_MAX)
      throw new SqlRuntimeError(`'${s} * ${s}' causes overflow for type ${typeToSql(this.type)}`);
    const n = BigInt(this.n);
    if (this.type.type === 'DECIMAL') return this.decimalResult(q * n - square, n * BigInt(d));
    const variance = (q - square / n) / BigInt(d);
    const r = this.stat.root ? BigInt(Math.trunc(Math.sqrt(Number(variance)))) : variance;
    return this.fitInteger(r);
  }

  /** The result from var = num / (den * 10^(2 * scale)), truncated to the scale. */
  private decimalResult(num: bigint, den: bigint): Value {
    const unscaled = this.stat.root ? isqrt(num / den) : num / (den * 10n ** BigInt(this.scale));
    const r = new Decimal(unscaled, this.scale);
    try {
      return fitDecimal(r, this.type);
    } catch (e) {
      if (e instanceof ValueError) return overflow(this.stat, this.type, r);
      throw e;
    }
  }

  private fitInteger(r: bigint): Value {
    const t = this.type;
    if (isSmallInteger(t)) {
      const [min, max] = SMALL_INT_RANGES[t.type];
      return r >= BigInt(min) && r <= BigInt(max) ? Number(r) : overflow(this.stat, t, r);
    }
    const [min, max] = bigIntRange(t);
    return r >= min && r <= max ? r : overflow(this.stat, t, r);
  }

  write(w: StateWriter): void {
    w.f64(this.n);
    w.value(this.s);
    w.value(this.q);
  }

  read(r: StateReader): void {
    this.n = r.f64();
    this.s = r.value() as bigint;
    this.q = r.value() as bigint;
  }
}

/** DOUBLE and REAL: the multiset of values, summed in value order when read. */
class FloatStatAccumulator implements Accumulator {
  private readonly values = new SortedBag(compareValues);

  constructor(
    private readonly stat: Statistic,
    private readonly real: boolean,
  ) {}

  checkpoint(): void {}

  add(v: Value, weight: number, undo: UndoLog): void {
    if (v !== null) this.values.add(v, weight, undo);
  }

  result(): Value {
    const f = this.real ? Math.fround : (x: number) => x;
    let n = 0;
    let s = 0;
    let q = 0;
    for (const { value, count } of this.values) {
      const x = value as number;
      n += count;
      s = f(s + f(x * count));
      q = f(q + f(f(x * x) * count));
    }
    const d = this.stat.sample ? n - 1 : n;
    if (n <= 0 || d <= 0) return null;
    const variance = f(f(q - f(f(s * s) / n)) / d);
    return this.stat.root ? f(Math.sqrt(variance)) : variance;
  }

  write(w: StateWriter): void {
    this.values.write(w);
  }

  read(r: StateReader): void {
    this.values.read(r);
  }
}

function statKernel(stat: Statistic): AggregateFamily[string] {
  return {
    make: (argType, result) =>
      isFloatType(argType!)
        ? new FloatStatAccumulator(stat, argType!.type === 'REAL')
        : new ExactStatAccumulator(stat, { ...result, nullable: true }),
  };
}

export const STATISTICS_AGGREGATES: AggregateFamily = {
  stddev_pop: statKernel({ sample: false, root: true, name: 'STDDEV_POP' }),
  stddev_samp: statKernel({ sample: true, root: true, name: 'STDDEV_SAMP' }),
  var_pop: statKernel({ sample: false, root: false, name: 'VAR_POP' }),
  var_samp: statKernel({ sample: true, root: false, name: 'VAR_SAMP' }),
};
