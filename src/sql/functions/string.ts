/**
 * String functions (Feldera's reference, "String Operations"), with the binary forms of the
 * ones the reference overloads (LEFT, RIGHT, SUBSTRING, POSITION, OVERLAY, MD5, `||`): a binary
 * first argument selects the binary kernel (engine/functions/binary.ts), anything else the
 * string one (engine/functions/string.ts). Arguments are converted as text-args.ts describes.
 * The special syntax forms SUBSTRING(s FROM a FOR b), POSITION(a IN b), TRIM(... FROM s) and
 * OVERLAY(s PLACING r FROM a FOR b) reach the same binders.
 *
 * Result types follow Calcite's: UPPER, LOWER and INITCAP keep their argument's type,
 * CHAR || CHAR is CHAR of the summed length, CHR is CHAR(1), the others are VARCHAR (or
 * VARBINARY) of unbounded length; strict functions are nullable when an argument is.
 */
import { arrayOf, type ColumnType, isBinaryType, isCompoundType } from '../../engine/values/types.js';
import { call, fail, VARCHAR } from '../coercion.js';
import type { Span } from '../messages.js';
import type { Expr } from '../plan.js';
import { type CallSite, type FunctionBinder, type FunctionFamily, illegalArguments } from './signature.js';
import {
  anyNullable,
  convertAll,
  overloaded,
  type TextParam,
  text,
  textual,
  toBinary,
  toCharacter,
} from './text-args.js';

const UNSUPPORTED = 'Not yet implemented';

/** Refuses a binary argument where Feldera has no binary form (it refuses too, or its result is unknown). */
function noBinary(binder: FunctionBinder, what: string): FunctionBinder {
  return (site) => {
    const i = site.args.findIndex((a) => isBinaryType(a.type));
    if (i >= 0)
      fail(site.argSpan(i), `${site.name} with a ${what} argument is not yet implemented`, UNSUPPORTED);
    return binder(site);
  };
}

/**
 * A function of two text arguments that must both be binary or both not (POSITION, OVERLAY):
 * Feldera rejects a mix.
 */
function sameFamily(
  forChars: FunctionBinder,
  forBytes: FunctionBinder,
  forms: TextParam[][],
): FunctionBinder {
  return (site) => {
    const [a, b] = site.args;
    const binary = (e: Expr | undefined) => e !== undefined && isBinaryType(e.type);
    const isNull = (e: Expr | undefined) => e?.type.type === 'NULL';
    if (binary(a) !== binary(b) && !isNull(a) && !isNull(b))
      illegalArguments(
        site,
        forms.map((f) => f.map((p) => (p === 'char' ? 'string' : p))),
      );
    return binary(a) || binary(b) ? forBytes(site) : forChars(site);
  };
}

const charLength = textual('char_length', ['char'], text.integer);
const CHAR1: ColumnType = { type: 'CHAR', nullable: false, precision: 1 };

/** CONCAT(s1, s2, ...): a chain of the strict concatenation; Feldera has no binary CONCAT. */
const concat: FunctionBinder = (site) => {
  const i = site.args.findIndex((a) => isBinaryType(a.type));
  if (i >= 0)
    fail(site.span, `Support for CONCAT() with arguments of type ${site.args[i]!.type.type}`, UNSUPPORTED);
  const args = convertAll(site, Array(Math.max(1, site.args.length)).fill('char'));
  return args.reduce((acc, a) =>
    call('concat', [acc, a], { ...VARCHAR, nullable: acc.type.nullable || a.type.nullable }),
  );
};

/** CONCAT_WS(sep, s1, ...): NULL only when the separator is (the kernel folds as Feldera does). */
const concatWs: FunctionBinder = (site) => {
  const args = convertAll(site, Array(Math.max(2, site.args.length)).fill('char'));
  return call('concat_ws', args, { ...VARCHAR, nullable: args[0]!.type.nullable });
};

/** MD5 of a binary value's bytes, or of the UTF-8 bytes of any other argument's text. */
const md5: FunctionBinder = (site) => {
  const [arg] = convertAll(site, [isBinaryType(site.args[0]?.type ?? VARCHAR) ? 'binary' : 'char']);
  const bytes = toBinary(arg!)!;
  return call('md5', [bytes], { ...VARCHAR, nullable: bytes.type.nullable });
};

const varcharOrBinary = (fn: string, params: TextParam[], optional = 0) =>
  overloaded(
    textual(fn, params, text.varchar, optional),
    textual(
      `binary_${fn}`,
      params.map((p) => (p === 'char' ? 'binary' : p)),
      text.varbinary,
      optional,
    ),
  );

const substring = varcharOrBinary('substring', ['char', 'integer', 'integer'], 1);

/** TRIM in one mode: the kernel takes (characters, string); Feldera refuses binary TRIM. */
export function trimBinder(mode: 'both' | 'leading' | 'trailing'): FunctionBinder {
  const binder = textual(`trim_${mode}`, ['char', 'char'], text.varchar);
  return (site) => {
    const binaries = site.args.filter((a) => isBinaryType(a.type)).length;
    if (binaries === site.args.length)
      fail(site.span, 'TRIM of binary values is not yet implemented', UNSUPPORTED);
    if (binaries > 0) illegalArguments(site, [['string', 'string']]);
    return binder(site);
  };
}

export const STRING_FUNCTIONS: FunctionFamily = {
  UPPER: textual('upper', ['char'], text.first),
  LOWER: textual('lower', ['char'], text.first),
  INITCAP: textual('initcap', ['char'], text.first),
  INITCAP_SPACES: textual('initcap_spaces', ['char'], text.first),
  CHAR_LENGTH: charLength,
  CHARACTER_LENGTH: charLength,
  LENGTH: charLength,
  LEN: charLength,
  ASCII: textual('ascii', ['char'], text.integer),
  CHR: textual('chr', ['integer'], () => CHAR1),
  CONCAT: concat,
  CONCAT_WS: concatWs,
  REPLACE: textual('replace', ['char', 'char', 'char'], text.varchar),
  REPEAT: noBinary(textual('repeat', ['char', 'integer'], text.varchar), 'VAR/BINARY'),
  REVERSE: noBinary(textual('reverse', ['char'], text.varchar), 'binary'),
  SPLIT: textual('split', ['char', 'char'], () => arrayOf(VARCHAR, false), 1),
  SPLIT_PART: textual('split_part', ['char', 'char', 'integer'], text.varchar),
  LEFT: varcharOrBinary('left', ['char', 'integer']),
  RIGHT: varcharOrBinary('right', ['char', 'integer']),
  SUBSTRING: substring,
  SUBSTR: substring,
  POSITION: sameFamily(
    textual('position', ['char', 'char'], text.integer),
    textual('binary_position', ['binary', 'binary'], text.integer),
    [['char', 'char']],
  ),
  OVERLAY: sameFamily(
    textual('overlay', ['char', 'char', 'integer', 'integer'], text.varchar, 1),
    textual('binary_overlay', ['binary', 'binary', 'integer', 'integer'], text.varbinary, 1),
    [
      ['char', 'char', 'integer'],
      ['char', 'char', 'integer', 'integer'],
    ],
  ),
  MD5: md5,
};

/** Binds `name(args)` of this family for the special syntax forms (their spans are the call's). */
export function bindStringForm(
  name: keyof typeof STRING_FUNCTIONS,
  args: Expr[],
  site: Omit<CallSite, 'args' | 'name'>,
): Expr {
  return STRING_FUNCTIONS[name]!({ ...site, name, args });
}

/** The type of `a || b` on character strings: CHAR when both are, of the summed length. */
function concatType(a: ColumnType, b: ColumnType): ColumnType {
  const pa = a.precision ?? -1;
  const pb = b.precision ?? -1;
  const precision = pa < 0 || pb < 0 ? -1 : pa + pb;
  const nullable = a.nullable || b.nullable;
  if (a.type === 'CHAR' && b.type === 'CHAR') return { type: 'CHAR', nullable, precision };
  return { type: 'VARCHAR', nullable, precision };
}

/**
 * `l || r`: binary concatenation when both sides are binary, otherwise concatenation of the
 * sides' text (`1 || 2` is '12'); a binary value beside a non-binary one, or an ARRAY, MAP or
 * ROW, is an illegal argument.
 */
export function bindConcatOperator(l: Expr, r: Expr, span: Span, spans: [Span, Span]): Expr {
  const site: CallSite = { name: '||', args: [l, r], span, argSpan: (i) => spans[i as 0 | 1] };
  const isBinary = (e: Expr) => isBinaryType(e.type);
  const isNull = (e: Expr) => e.type.type === 'NULL';
  if ((isBinary(l) || isNull(l)) && (isBinary(r) || isNull(r)) && !(isNull(l) && isNull(r))) {
    const [a, b] = [toBinary(l)!, toBinary(r)!];
    return call('binary_concat', [a, b], { ...text.varbinary(), nullable: anyNullable([a, b]) });
  }
  const illegal = () => illegalArguments(site, [['string', 'string']]);
  if (isBinary(l) || isBinary(r) || isCompoundType(l.type) || isCompoundType(r.type)) illegal();
  const a = toCharacter(l, spans[0]) ?? illegal();
  const b = toCharacter(r, spans[1]) ?? illegal();
  return call('concat', [a, b], concatType(a.type, b.type));
}
