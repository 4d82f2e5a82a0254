/**
 * SQL user-defined functions: `CREATE FUNCTION f(x INT, ...) RETURNS T [NOT NULL] AS expr`
 * (Feldera's reference, "User-Defined Functions"). Rust UDFs, declared without `AS`, are refused.
 *
 * A call is inlined: its arguments are converted to the parameters' types and the body is bound
 * again with each parameter standing for its argument (the lambda-variable mechanism of
 * TRANSFORM), then cast to the return type. Binding per call gives the body the nullability of
 * the actual arguments, so `RETURNS BOOLEAN NOT NULL` holds when the arguments are not NULL, as
 * in the reference's own example. The body is also bound once at its definition, over
 * placeholders of the declared types, so a bad body is reported there and not at each call.
 *
 * Where Feldera's generated code would fail at run time on a NULL (a NULL argument to a `NOT
 * NULL` parameter, a NULL result of a `NOT NULL` function), Sluice refuses the call at compile
 * time unless the types show no NULL can occur, so it never returns what Feldera would not.
 */
import {
  type ColumnType,
  isBinaryType,
  isNumericType,
  isStringType,
  typeToSql,
} from '../engine/values/types.js';
import { isAggregateName } from './aggregates/index.js';
import type * as ast from './ast.js';
import { bindCast } from './bind-cast.js';
import { resolveType, type UserFunction, type UserTypes } from './catalog.js';
import { coerce } from './coercion.js';
import { FELDERA_FUNCTIONS, FUNCTIONS } from './functions/index.js';
import { type Span, SqlError } from './messages.js';
import { colRef, type Expr } from './plan.js';
import { VALIDATION_ERROR } from './scope.js';

const UNSUPPORTED = 'Not yet implemented';

/** Binds a function body with its parameters standing for the given expressions. */
export type BodyBinder = (body: ast.Expr, params: ReadonlyMap<string, Expr>) => Expr;

/** A program's `CREATE TYPE` types and `CREATE FUNCTION` functions, in declaration order. */
export class ProgramDefinitions implements UserTypes {
  readonly types = new Map<string, ColumnType>();
  readonly functions = new Map<string, UserFunction>();

  get(name: string): ColumnType | undefined {
    return this.types.get(name);
  }

  userFunction(name: string): UserFunction | undefined {
    return this.functions.get(name);
  }

  /** Records a function whose definition failed, so its calls fail without repeating the error. */
  markBroken(name: string): void {
    const key = name.toUpperCase();
    if (!this.functions.has(key))
      this.functions.set(key, { name: key, params: [], returns: NULL_TYPE, body: null });
  }
}

const NULL_TYPE: ColumnType = { type: 'NULL', nullable: true };

/** A call of a function whose definition failed (already reported there); not reported again. */
export class BrokenFunctionCall extends SqlError {}

function fail(span: Span, message: string, type = VALIDATION_ERROR): never {
  throw new SqlError(span, type, message);
}

/**
 * Checks a `CREATE FUNCTION` and records it in `defs`. Errors: a body-less (Rust) function is
 * "Not yet implemented"; a name already defined or built in, a repeated parameter, or a body
 * that does not bind or cast to the return type is an error at its position.
 */
export function defineFunction(st: ast.CreateFunction, defs: ProgramDefinitions, bindBody: BodyBinder): void {
  const name = st.name.name.toUpperCase();
  if (!st.body)
    fail(
      st.name.span,
      `Function '${st.name.name}' has no body: user-defined functions written in Rust are not supported, only CREATE FUNCTION ... AS expression`,
      UNSUPPORTED,
    );
  if (defs.functions.has(name))
    fail(st.name.span, `Duplicate definition of function '${st.name.name}'`, 'Duplicate definition');
  if (FUNCTIONS.has(name) || FELDERA_FUNCTIONS.has(name) || isAggregateName(name))
    fail(st.name.span, `Function '${st.name.name}' is a built-in function and cannot be redefined`);
  const params = st.params.map((p, i) => {
    if (st.params.findIndex((q) => q.name.name === p.name.name) !== i)
      fail(p.name.span, `Duplicate parameter '${p.name.name}' in function '${st.name.name}'`);
    return { name: p.name.name, type: resolveType(p.type, !p.notNull, defs) };
  });
  const fn: UserFunction = {
    name,
    params,
    returns: resolveType(st.returns, !st.returnsNotNull, defs),
    body: st.body,
  };
  const placeholders = new Map(params.map((p, i) => [p.name, colRef(i, p.type)]));
  const body = bindBody(st.body, placeholders);
  bindCast(body, { ...fn.returns, nullable: body.type.nullable }, false, st.body.span);
  defs.functions.set(name, fn);
}

/** Type families between which an argument converts implicitly, as Calcite's operand checks. */
function family(t: ColumnType): string {
  if (isNumericType(t)) return 'numeric';
  if (isStringType(t)) return 'string';
  if (isBinaryType(t)) return 'binary';
  return t.type;
}

/**
 * Inlines a call of `fn` with bound arguments. Errors: a wrong argument count or an argument of
 * another type family (Calcite's messages), and the NULL cases the module header describes.
 */
export function bindUserCall(
  fn: UserFunction,
  call: Extract<ast.Expr, { kind: 'call' }>,
  args: Expr[],
  bindBody: BodyBinder,
): Expr {
  if (!fn.body) throw new BrokenFunctionCall(call.span, VALIDATION_ERROR, `'${call.name}' has errors`);
  const fnBody = fn.body;
  if (call.star || call.distinct || call.filter || call.orderBy || call.ignoreNulls !== undefined)
    fail(call.span, `${call.name} is not an aggregate function`);
  if (args.length !== fn.params.length)
    fail(
      call.span,
      `Invalid number of arguments to function '${call.name}'. Was expecting ${fn.params.length} arguments`,
    );
  const vars = new Map<string, Expr>();
  fn.params.forEach((p, i) => {
    const arg = args[i]!;
    const span = call.args[i]!.span;
    if (arg.type.type !== 'NULL' && family(arg.type) !== family(p.type))
      fail(
        call.span,
        `Cannot apply '${call.name}' to arguments of type '${call.name}(${args.map((a) => `<${typeToSql({ ...a.type, nullable: true })}>`).join(', ')})'. Supported form(s): ${call.name}(${fn.params.map((q) => `<${typeToSql({ ...q.type, nullable: true })}>`).join(', ')})`,
      );
    if (arg.type.nullable && !p.type.nullable)
      fail(
        span,
        `An argument that can be NULL for the NOT NULL parameter '${p.name}' of '${call.name}' is not supported`,
        UNSUPPORTED,
      );
    vars.set(p.name, coerce(arg, { ...p.type, nullable: arg.type.nullable }, span));
  });
  const body = bindBody(fnBody, vars);
  const result = bindCast(body, { ...fn.returns, nullable: body.type.nullable }, false, call.span);
  if (result.type.nullable && !fn.returns.nullable)
    fail(
      call.span,
      `'${call.name}' is declared NOT NULL but can be NULL for these arguments; that is not supported`,
      UNSUPPORTED,
    );
  return fn.returns.nullable ? { ...result, type: { ...result.type, nullable: true } } : result;
}
