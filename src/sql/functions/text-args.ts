/**
 * Argument conversions shared by the string, binary and regular-expression functions: the
 * implicit coercions Calcite applies before Feldera compiles a call, as Feldera's own tests
 * show them (python/tests/runtime_aggtest/illarg_tests).
 *
 * - A character parameter takes a string as it is, and any other scalar value as its text
 *   (CAST to VARCHAR): `LEFT(TRUE, 2)` is 'TR', `POSITION('576' IN r)` searches the REAL r's
 *   text, and a binary value becomes its hexadecimal digits (`CONCAT_WS('@', x'0b16', 5)` is
 *   '0b16@5'). ARRAY, MAP and ROW values are illegal arguments; intervals and VARIANTs, whose
 *   text Sluice does not reproduce, are refused as not implemented.
 * - A binary parameter takes a binary value as it is and a string as its UTF-8 bytes
 *   (`OCTET_LENGTH('🐍')` is 4, `TO_HEX('hello')` is '68656c6c6f'); other types are illegal.
 * - An integer parameter takes any integer type, converted to INTEGER (out of range fails
 *   the step, as Feldera's cast does).
 * The NULL literal fits every parameter.
 */
import {
  type ColumnType,
  isBinaryType,
  isCompoundType,
  isDateTimeType,
  isIntegerType,
  isNumericType,
  isStringType,
} from '../../engine/values/types.js';
import { call, coerce, fail, lit, VARCHAR } from '../coercion.js';
import type { Span } from '../messages.js';
import type { Expr } from '../plan.js';
import {
  arity,
  type CallSite,
  convert,
  type FunctionBinder,
  illegalArguments,
  type Param,
} from './signature.js';

/** Parameter kinds of this module's conversions. */
export type TextParam = 'char' | 'binary' | 'integer';

export const VARBINARY: ColumnType = { type: 'VARBINARY', nullable: false, precision: -1 };

const SHOWN: Record<TextParam, Param> = { char: 'string', binary: 'binary', integer: 'integer' };

/** Scalar types whose text Calcite substitutes for a character argument. */
function hasText(t: ColumnType): boolean {
  return (
    isStringType(t) ||
    isNumericType(t) ||
    isBinaryType(t) ||
    isDateTimeType(t) ||
    t.type === 'BOOLEAN' ||
    t.type === 'UUID'
  );
}

/** The argument as a character string, or null when a character parameter does not take it. */
export function toCharacter(e: Expr, span: Span): Expr | null {
  if (isStringType(e.type)) return e;
  if (e.type.type === 'NULL') return lit(null, { ...VARCHAR, nullable: true });
  if (!hasText(e.type)) return null;
  return coerce(e, { ...VARCHAR, nullable: e.type.nullable }, span);
}

/** The argument as bytes, or null when a binary parameter does not take it. */
export function toBinary(e: Expr): Expr | null {
  if (isBinaryType(e.type)) return e;
  if (e.type.type === 'NULL') return lit(null, { ...VARBINARY, nullable: true });
  if (isStringType(e.type)) return call('utf8_bytes', [e], { ...VARBINARY, nullable: e.type.nullable });
  return null;
}

function toInteger(e: Expr, span: Span): Expr | null {
  return isIntegerType(e.type) || e.type.type === 'NULL' ? convert('integer', e, span) : null;
}

/**
 * Refuses, as not implemented, arguments of a type whose conversion Sluice does not have
 * (an interval or a VARIANT where text is expected); other illegal ones are left to the caller.
 */
function refuseUnsupported(site: CallSite, e: Expr, i: number): void {
  if (!isCompoundType(e.type) && e.type.type !== 'NULL' && !hasText(e.type))
    fail(
      site.argSpan(i),
      `${site.name} of ${e.type.type === 'VARIANT' ? 'a VARIANT' : e.type.type === 'TIMESTAMP_TZ' ? 'a TIMESTAMP WITH TIME ZONE' : 'an INTERVAL'} argument is not yet implemented`,
      'Not yet implemented',
    );
}

/** Converts argument `i` for a parameter of kind `p`; null when it does not fit. */
export function convertText(site: CallSite, p: TextParam, i: number): Expr | null {
  const e = site.args[i]!;
  const span = site.argSpan(i);
  switch (p) {
    case 'char': {
      const r = toCharacter(e, span);
      if (r === null) refuseUnsupported(site, e, i);
      return r;
    }
    case 'binary':
      return toBinary(e);
    case 'integer':
      return toInteger(e, span);
  }
}

/**
 * Checks the arity and converts every argument of a call to `params` (the last `optional`
 * may be omitted); an argument that does not fit is the "Cannot apply" error listing `forms`
 * (by default each accepted length of `params`).
 */
export function convertAll(site: CallSite, params: TextParam[], optional = 0, forms?: TextParam[][]): Expr[] {
  arity(site, params.length - optional, params.length);
  const lists =
    forms ?? Array.from({ length: optional + 1 }, (_, i) => params.slice(0, params.length - optional + i));
  const shown = lists.map((f) => f.map((p) => SHOWN[p]));
  return site.args.map((_, i) => convertText(site, params[i]!, i) ?? illegalArguments(site, shown));
}

/** True when any argument is nullable (the strict functions' result nullability). */
export function anyNullable(args: Expr[]): boolean {
  return args.some((a) => a.type.nullable);
}

/**
 * A strict function of text parameters calling kernel `fn`; `result` gives its type (not
 * null) from the converted arguments, and the result is nullable when an argument is.
 */
export function textual(
  fn: string,
  params: TextParam[],
  result: (args: Expr[]) => ColumnType,
  optional = 0,
): FunctionBinder {
  return (site) => {
    const args = convertAll(site, params, optional);
    return call(fn, args, { ...result(args), nullable: anyNullable(args) });
  };
}

/**
 * A function with a character form and a binary form, chosen by its first argument as
 * Feldera does (a binary first argument selects the binary kernel).
 */
export function overloaded(forChars: FunctionBinder, forBytes: FunctionBinder): FunctionBinder {
  return (site) => (isBinaryType(site.args[0]?.type ?? VARCHAR) ? forBytes(site) : forChars(site));
}

/** Result-type helpers. */
export const text = {
  varchar: (): ColumnType => VARCHAR,
  varbinary: (): ColumnType => VARBINARY,
  integer: (): ColumnType => ({ type: 'INTEGER', nullable: false }),
  boolean: (): ColumnType => ({ type: 'BOOLEAN', nullable: false }),
  /** The (converted) first argument's type: CHAR(n) stays CHAR(n), as Calcite's ARG0. */
  first: (args: Expr[]): ColumnType => args[0]!.type,
};
