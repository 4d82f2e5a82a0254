/** BIT_AND, BIT_OR and BIT_XOR of integers and binary strings; kernels in engine/aggregates/bitwise.ts. */
import { isBinaryType, isIntegerType } from '../../engine/values/types.js';
import {
  type AggregateBinder,
  type AggregateFamily,
  argumentsOf,
  illegalAggregateArguments,
  mayBeEmpty,
} from './signature.js';

/** The result has the argument's type; NULL for no non-NULL value. DISTINCT matters only to XOR. */
function bitwise(fn: 'bit_and' | 'bit_or' | 'bit_xor'): AggregateBinder {
  return (site) => {
    const [x] = argumentsOf(site, 1);
    const t = x!.type;
    if (!isIntegerType(t) && !isBinaryType(t)) illegalAggregateArguments(site, [['INTEGER'], ['BINARY']]);
    return {
      fn,
      type: { ...t, nullable: mayBeEmpty(site) || t.nullable },
      distinct: fn === 'bit_xor' && site.distinct,
    };
  };
}

export const BITWISE_AGGREGATES: AggregateFamily = {
  BIT_AND: bitwise('bit_and'),
  BIT_OR: bitwise('bit_or'),
  BIT_XOR: bitwise('bit_xor'),
};
