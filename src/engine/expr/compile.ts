/**
 * Compiles plan expressions to closures once, so evaluating a row is a few direct calls and
 * not a walk over the syntax tree. NULL handling (SQL three-valued logic, NULL-in NULL-out for
 * scalar functions) is decided here; the typed kernels in arithmetic.ts and strings.ts only
 * see non-NULL values. Subtrees without column references are evaluated once at compile time;
 * if that fails (say `1/0`), the error is left to happen at run time, when a row reaches it.
 */
import type { Expr } from '../../sql/plan.js';
import { SqlRuntimeError } from '../errors.js';
import { makeCast } from '../values/cast.js';
import { extractField, type TimeUnit, timestampDays, timestampTimeOfDay } from '../values/datetime.js';
import { ValueError } from '../values/errors.js';
import type { ColumnType } from '../values/types.js';
import { compareValues, type Row, SqlMap, type Value, type Variant, valueKey } from '../values/value.js';
import {
  type BinaryOp,
  makeAbs,
  makeArithmetic,
  makeFloorCeil,
  makeNegate,
  makeRound,
} from './arithmetic.js';
import { makeLike } from './like.js';
import { makeRlike } from './regex.js';
import { replaceAll, substring, trimChars } from './strings.js';

export type Evaluator = (row: Row) => Value;

const EMPTY_ROW: Row = [];

function hasColumns(e: Expr): boolean {
  switch (e.kind) {
    case 'col':
      return true;
    case 'lit':
      return false;
    case 'call':
      return e.args.some(hasColumns);
    case 'cast':
      return hasColumns(e.arg);
    case 'case':
      return e.whens.some((w) => hasColumns(w.when) || hasColumns(w.result)) || hasColumns(e.else);
  }
}

export function compileExpr(e: Expr): Evaluator {
  const f = compileNode(e);
  if (e.kind === 'lit' || hasColumns(e)) return f;
  try {
    const v = f(EMPTY_ROW);
    return () => v;
  } catch {
    return f;
  }
}

/** Compiles a predicate; rows pass only when it is TRUE (not FALSE, not NULL). */
export function compilePredicate(e: Expr): (row: Row) => boolean {
  const f = compileExpr(e);
  return (row) => f(row) === true;
}

/** NULL-in, NULL-out wrapper for a unary kernel. */
function strict1(a: Evaluator, f: (x: Value) => Value): Evaluator {
  return (row) => {
    const x = a(row);
    return x === null ? null : f(x);
  };
}

function strict2(a: Evaluator, b: Evaluator, f: (x: Value, y: Value) => Value): Evaluator {
  return (row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    return y === null ? null : f(x, y);
  };
}

function strictN(args: Evaluator[], f: (xs: Value[]) => Value): Evaluator {
  return (row) => {
    const xs: Value[] = new Array(args.length);
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!(row);
      if (v === null) return null;
      xs[i] = v;
    }
    return f(xs);
  };
}

/** Generic comparison kernel through the total order of values. */
function makeCompare(test: (c: number) => boolean): (x: Value, y: Value) => Value {
  return (x, y) => test(compareValues(x, y));
}

const COMPARE_TESTS = {
  eq: (c: number) => c === 0,
  ne: (c: number) => c !== 0,
  lt: (c: number) => c < 0,
  le: (c: number) => c <= 0,
  gt: (c: number) => c > 0,
  ge: (c: number) => c >= 0,
};

/** Types whose values are integers, bigints or strings, where the JS operators agree with SQL. */
const PRIMITIVE_ORDER = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'CHAR',
  'VARCHAR',
  'UUID',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'INTERVAL_DAY_SECOND',
  'INTERVAL_YEAR_MONTH',
]);

/** Comparison kernel for same-typed numbers, bigints or strings, where the JS operators agree with SQL. */
function fastCompare(fn: keyof typeof COMPARE_TESTS, t: ColumnType): ((x: Value, y: Value) => Value) | null {
  if (!PRIMITIVE_ORDER.has(t.type)) return null;
  switch (fn) {
    case 'eq':
      return (x, y) => x === y;
    case 'ne':
      return (x, y) => x !== y;
    case 'lt':
      return (x, y) => (x as number) < (y as number);
    case 'le':
      return (x, y) => (x as number) <= (y as number);
    case 'gt':
      return (x, y) => (x as number) > (y as number);
    case 'ge':
      return (x, y) => (x as number) >= (y as number);
  }
}

function compileCall(e: Extract<Expr, { kind: 'call' }>): Evaluator {
  const args = e.args.map(compileNode);
  const [a, b] = args as [Evaluator, Evaluator];
  const t0 = e.args[0]?.type;
  switch (e.fn) {
    case 'and':
      return (row) => {
        const x = a(row);
        if (x === false) return false;
        const y = b(row);
        if (y === false) return false;
        return x === null || y === null ? null : true;
      };
    case 'or':
      return (row) => {
        const x = a(row);
        if (x === true) return true;
        const y = b(row);
        if (y === true) return true;
        return x === null || y === null ? null : false;
      };
    case 'not':
      return strict1(a, (x) => !x);
    case 'is_null':
      return (row) => a(row) === null;
    case 'is_not_null':
      return (row) => a(row) !== null;
    case 'is_true':
      return (row) => a(row) === true;
    case 'is_false':
      return (row) => a(row) === false;
    case 'is_distinct':
      return (row) => {
        const x = a(row);
        const y = b(row);
        if (x === null || y === null) return x !== y;
        return compareValues(x, y) !== 0;
      };
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return strict2(a, b, fastCompare(e.fn, t0!) ?? makeCompare(COMPARE_TESTS[e.fn]));
    case 'in_list':
      return compileInList(args);
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'mod':
      return strict2(a, b, makeArithmetic(e.fn as BinaryOp, t0!, e.args[1]!.type, e.type));
    case 'neg':
      return strict1(a, makeNegate(e.type));
    case 'abs':
      return strict1(a, makeAbs(e.type));
    case 'round':
      return strict2(a, b, makeRound(e.type));
    case 'floor':
    case 'ceil':
      return strict1(a, makeFloorCeil(t0!, e.fn === 'ceil'));
    case 'power':
      return strict2(a, b, (x, y) => (x as number) ** (y as number));
    case 'sqrt':
      return strict1(a, (x) => Math.sqrt(x as number));
    case 'coalesce':
      return (row) => {
        for (const f of args) {
          const v = f(row);
          if (v !== null) return v;
        }
        return null;
      };
    case 'concat':
      return strict2(a, b, (x, y) => (x as string) + (y as string));
    case 'upper':
      return strict1(a, (x) => (x as string).toUpperCase());
    case 'lower':
      return strict1(a, (x) => (x as string).toLowerCase());
    case 'char_length':
      return strict1(a, (x) => (x as string).length);
    case 'position':
      return strict2(a, b, (needle, hay) => (hay as string).indexOf(needle as string) + 1);
    case 'replace':
      return strictN(args, ([s, from, to]) => replaceAll(s as string, from as string, to as string));
    case 'substring':
      return strictN(args, ([s, start, len]) =>
        substring(s as string, start as number, (len as number | undefined) ?? null),
      );
    case 'trim_both':
    case 'trim_leading':
    case 'trim_trailing': {
      const leading = e.fn !== 'trim_trailing';
      const trailing = e.fn !== 'trim_leading';
      return strict2(a, b, (chars, s) => trimChars(s as string, chars as string, leading, trailing));
    }
    case 'like':
    case 'ilike': {
      const like = makeLike(e.fn === 'ilike');
      if (args.length === 3)
        return strictN(args, ([s, p, esc]) => like(s as string, p as string, esc as string));
      return strict2(a, b, (s, p) => like(s as string, p as string, null));
    }
    case 'rlike': {
      const rlike = makeRlike();
      return strict2(a, b, (s, p) => rlike(s as string, p as string));
    }
    case 'extract':
      return strict1(a, extractor(e.unit as TimeUnit, t0!));
    case 'array':
      return (row) => args.map((f) => f(row));
    case 'row':
      return (row) => args.map((f) => f(row));
    case 'map':
      return (row) => {
        const entries: [Value, Value][] = [];
        for (let i = 0; i < args.length; i += 2) {
          const k = args[i]!(row);
          if (k === null) throw new SqlRuntimeError('a MAP key cannot be NULL');
          entries.push([k, args[i + 1]!(row)]);
        }
        return new SqlMap(entries);
      };
    case 'index':
      return strict2(a, b, (arr, i) => (arr as Value[])[(i as number) - 1] ?? null);
    case 'map_get':
      return strict2(a, b, (m, k) => (m as SqlMap).get(k) ?? null);
    case 'variant_get':
      return strict2(a, b, (v, k) => variantGet(v as Variant, k as Variant));
    case 'field': {
      const i = (e.args[1] as Extract<Expr, { kind: 'lit' }>).value as number;
      return strict1(a, (r) => (r as Value[])[i] as Value);
    }
  }
}

const INTEGER_KINDS = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
]);

/**
 * `v[k]` on a VARIANT: an ARRAY variant takes an integer index from 1, a MAP variant a key;
 * anything else, or a miss, is NULL (Feldera's `Variant::index`).
 */
function variantGet(v: Variant, k: Variant): Value {
  if (v.kind === 'ARRAY') {
    if (!INTEGER_KINDS.has(k.kind)) return null;
    const i = Number(k.value) - 1;
    return (v.value as Value[])[i] ?? null;
  }
  if (v.kind === 'MAP') return (v.value as SqlMap).get(k) ?? null;
  return null;
}

function extractor(unit: TimeUnit, t: ColumnType): (v: Value) => Value {
  switch (t.type) {
    case 'DATE':
      return (v) => BigInt(extractField(unit, v as number, 0));
    case 'TIME':
      return (v) => BigInt(extractField(unit, 0, v as number));
    default:
      return (v) => BigInt(extractField(unit, timestampDays(v as bigint), timestampTimeOfDay(v as bigint)));
  }
}

/** `x IN (v1, ...)`: TRUE on a match, else NULL if x or any value is NULL, else FALSE. */
function compileInList(args: Evaluator[]): Evaluator {
  const [x, ...list] = args as [Evaluator, ...Evaluator[]];
  return (row) => {
    const v = x(row);
    if (v === null) return null;
    const key = valueKey(v);
    let sawNull = false;
    for (const f of list) {
      const w = f(row);
      if (w === null) sawNull = true;
      else if (valueKey(w) === key) return true;
    }
    return sawNull ? null : false;
  };
}

function compileNode(e: Expr): Evaluator {
  switch (e.kind) {
    case 'col': {
      const i = e.index;
      return (row) => row[i] as Value;
    }
    case 'lit': {
      const v = e.value;
      return () => v;
    }
    case 'cast': {
      const arg = compileNode(e.arg);
      const cast = makeCast(e.arg.type, e.type);
      return (row) => {
        try {
          return cast(arg(row));
        } catch (err) {
          if (err instanceof ValueError) throw new SqlRuntimeError(err.message);
          throw err;
        }
      };
    }
    case 'case': {
      const whens = e.whens.map((w) => compileNode(w.when));
      const results = e.whens.map((w) => compileNode(w.result));
      const otherwise = compileNode(e.else);
      return (row) => {
        for (let i = 0; i < whens.length; i++) if (whens[i]!(row) === true) return results[i]!(row);
        return otherwise(row);
      };
    }
    case 'call':
      return compileCall(e);
  }
}
