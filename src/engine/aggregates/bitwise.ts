/**
 * BIT_AND, BIT_OR and BIT_XOR of integers and binary strings; NULL values are ignored and a
 * group without a non-NULL value gives NULL (Feldera's reference, "Aggregate functions").
 *
 * Integers keep, for each bit of the two's-complement pattern (32 bits for the types held as
 * JS numbers, 64 for BIGINT), how many values have it set, besides the number of values: a bit
 * of the AND is set when every value has it, of the OR when any has, of the XOR when an odd
 * number has. A retraction subtracts from the counts, so the result never needs a rescan.
 * Binary strings keep the multiset of values and fold it when the result is read; they must
 * all have one length (as BINARY(n) values do), else the step fails.
 */
import { SqlRuntimeError } from '../errors.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { type ColumnType, isBinaryType, isUnsignedType } from '../values/types.js';
import { compareValues, type Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';
import { SortedBag } from './sorted-bag.js';

type BitOp = 'and' | 'or' | 'xor';

/** Whether bit i of the result is set, given how many of `n` values have it set. */
function bitOf(op: BitOp, set: number, n: number): boolean {
  if (op === 'and') return set === n;
  if (op === 'or') return set > 0;
  return Math.abs(set) % 2 === 1;
}

class IntegerBitAccumulator implements Accumulator {
  private n = 0;
  private readonly counts: Float64Array;
  private readonly wide: boolean;
  private readonly unsigned: boolean;

  constructor(
    private readonly op: BitOp,
    type: ColumnType,
  ) {
    this.wide = type.type === 'BIGINT' || type.type === 'UBIGINT';
    this.unsigned = isUnsignedType(type);
    this.counts = new Float64Array(this.wide ? 64 : 32);
  }

  checkpoint(undo: UndoLog): void {
    const n = this.n;
    const counts = this.counts.slice();
    undo.record(() => {
      this.n = n;
      this.counts.set(counts);
    });
  }

  add(v: Value, weight: number): void {
    if (v === null) return;
    this.n += weight;
    if (this.wide) {
      let bits = BigInt.asUintN(64, v as bigint);
      for (let i = 0; bits !== 0n; i++, bits >>= 1n) if (bits & 1n) this.counts[i]! += weight;
    } else {
      let bits = (v as number) >>> 0;
      for (let i = 0; bits !== 0; i++, bits >>>= 1) if (bits & 1) this.counts[i]! += weight;
    }
  }

  result(): Value {
    if (this.n <= 0) return null;
    if (this.wide) {
      let r = 0n;
      for (let i = 63; i >= 0; i--) r = (r << 1n) | (bitOf(this.op, this.counts[i]!, this.n) ? 1n : 0n);
      return this.unsigned ? r : BigInt.asIntN(64, r);
    }
    let r = 0;
    for (let i = 31; i >= 0; i--) r = ((r << 1) | (bitOf(this.op, this.counts[i]!, this.n) ? 1 : 0)) >>> 0;
    // Sign-extended patterns of in-range values combine to in-range values.
    return this.unsigned ? r : r | 0;
  }

  write(w: StateWriter): void {
    w.f64(this.n);
    for (const c of this.counts) w.f64(c);
  }

  read(r: StateReader): void {
    this.n = r.f64();
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = r.f64();
  }
}

class BinaryBitAccumulator implements Accumulator {
  private readonly values = new SortedBag(compareValues);

  constructor(private readonly op: BitOp) {}

  checkpoint(): void {}

  add(v: Value, weight: number, undo: UndoLog): void {
    if (v !== null) this.values.add(v, weight, undo);
  }

  result(): Value {
    let acc: Uint8Array | null = null;
    for (const { value, count } of this.values) {
      const bytes = value as Uint8Array;
      if (acc !== null && acc.length !== bytes.length) this.mismatch();
      if (this.op === 'xor') {
        // A value XORed with itself cancels: only an odd multiplicity counts.
        acc ??= new Uint8Array(bytes.length);
        if (count % 2 !== 0) for (let i = 0; i < acc.length; i++) acc[i]! ^= bytes[i]!;
      } else if (acc === null) acc = Uint8Array.from(bytes);
      else if (this.op === 'and') for (let i = 0; i < acc.length; i++) acc[i]! &= bytes[i]!;
      else for (let i = 0; i < acc.length; i++) acc[i]! |= bytes[i]!;
    }
    return acc;
  }

  private mismatch(): never {
    throw new SqlRuntimeError(`BIT_${this.op.toUpperCase()} of binary strings of different lengths`);
  }

  write(w: StateWriter): void {
    this.values.write(w);
  }

  read(r: StateReader): void {
    this.values.read(r);
  }
}

function bitKernel(op: BitOp): AggregateFamily[string] {
  return {
    make: (argType) =>
      isBinaryType(argType!) ? new BinaryBitAccumulator(op) : new IntegerBitAccumulator(op, argType!),
  };
}

export const BITWISE_AGGREGATES: AggregateFamily = {
  bit_and: bitKernel('and'),
  bit_or: bitKernel('or'),
  bit_xor: bitKernel('xor'),
};
