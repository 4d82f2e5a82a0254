/**
 * Compiles plan expressions to closures once, so evaluating a row is a few direct calls and
 * not a walk over the syntax tree. The core operators (logic, comparison, arithmetic, CASE,
 * COALESCE, constructors and subscripts) are compiled here; library functions are looked up
 * in the kernel registry (engine/functions) by the id their call carries. NULL handling (SQL
 * three-valued logic, NULL-in NULL-out for strict functions) is decided here, so kernels only
 * see what their declared NULL rule lets through. Subtrees without column references are evaluated once at compile time;
 * if that fails (say `1/0`), the error is left to happen at run time, when a row reaches it.
 */
import type { Expr } from '../../sql/plan.js';
import { SqlRuntimeError } from '../errors.js';
import { KERNELS } from '../functions/index.js';
import { makeCast } from '../values/cast.js';
import { ValueError } from '../values/errors.js';
import { type ColumnType, isIntervalType } from '../values/types.js';
import { compareValues, type Row, SqlMap, type Value, type Variant, valueKey } from '../values/value.js';
import { type BinaryOp, makeArithmetic, makeNegate } from './arithmetic.js';
import { compileHigherOrder, compileLambdaVar } from './lambda.js';

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
  'TIMESTAMP_TZ',
]);

/** Comparison kernel for same-typed numbers, bigints or strings, where the JS operators agree with SQL. */
function fastCompare(fn: keyof typeof COMPARE_TESTS, t: ColumnType): ((x: Value, y: Value) => Value) | null {
  if (!PRIMITIVE_ORDER.has(t.type) && !isIntervalType(t)) return null;
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
  // A lambda's body is compiled inside its call, which gives it the element (lambda.ts).
  if (e.fn === 'transform' || e.fn === 'array_exists') return compileHigherOrder(e, compileNode);
  if (e.fn === 'lambda_var') return compileLambdaVar(e);
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
    case 'ge': {
      const fn = e.fn as keyof typeof COMPARE_TESTS;
      return strict2(a, b, fastCompare(fn, t0!) ?? makeCompare(COMPARE_TESTS[fn]));
    }
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
    case 'coalesce':
      return (row) => {
        for (const f of args) {
          const v = f(row);
          if (v !== null) return v;
        }
        return null;
      };
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
    default:
      return compileKernel(e, args);
  }
}

/** A library function: its kernel, built for this call site, behind the NULL rule it declares. */
function compileKernel(e: Extract<Expr, { kind: 'call' }>, args: Evaluator[]): Evaluator {
  const kernel = KERNELS.get(e.fn);
  if (!kernel) throw new Error(`no kernel for function '${e.fn}'`);
  const f = kernel.make(
    e.args.map((x) => x.type),
    e.type,
    e.unit,
  );
  const run = (xs: Value[]): Value => {
    try {
      return f(xs);
    } catch (err) {
      if (err instanceof ValueError) throw new SqlRuntimeError(err.message);
      throw err;
    }
  };
  if (kernel.nulls === 'strict') return strictN(args, run);
  return (row) => run(args.map((x) => x(row)));
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
      const safe = e.safe === true;
      return (row) => {
        try {
          return cast(arg(row));
        } catch (err) {
          if (!(err instanceof ValueError)) throw err;
          if (safe) return null;
          throw new SqlRuntimeError(err.message);
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
