/**
 * Higher-order array functions with a lambda: `transform(array, body, depth)` and
 * `array_exists(array, body, depth)`, whose body reads the current element through
 * `lambda_var(depth)`. Compiling a call gives its lambda a slot; compiling the body resolves each
 * `lambda_var` to the slot of the enclosing call at that depth (nested lambdas have distinct
 * depths, sibling calls distinct slots). Evaluating the call stores each element in its slot
 * before evaluating the body, so the body is compiled once and the per-element cost is one
 * evaluation.
 */
import type { Expr } from '../../sql/plan.js';
import type { Row, Value } from '../values/value.js';

type Evaluator = (row: Row) => Value;

interface Slot {
  value: Value;
}

/** The slots of the lambdas whose bodies are being compiled, by depth. */
const compiling: (Slot | undefined)[] = [];

function depthOf(e: Expr): number {
  return (e as Extract<Expr, { kind: 'lit' }>).value as number;
}

/** `transform` and `array_exists`; `compile` compiles a sub-expression. */
export function compileHigherOrder(
  e: Extract<Expr, { kind: 'call' }>,
  compile: (e: Expr) => Evaluator,
): Evaluator {
  const [arrayExpr, bodyExpr, depthExpr] = e.args as [Expr, Expr, Expr];
  const depth = depthOf(depthExpr);
  const array = compile(arrayExpr);
  const slot: Slot = { value: null };
  const outer = compiling[depth];
  compiling[depth] = slot;
  let body: Evaluator;
  try {
    body = compile(bodyExpr);
  } finally {
    compiling[depth] = outer;
  }
  if (e.fn === 'transform')
    return (row) => {
      const a = array(row) as Value[] | null;
      if (a === null) return null;
      return a.map((v) => {
        slot.value = v;
        return body(row);
      });
    };
  return (row) => {
    const a = array(row) as Value[] | null;
    if (a === null) return null;
    let sawNull = false;
    for (const v of a) {
      slot.value = v;
      const r = body(row);
      if (r === true) return true;
      if (r === null) sawNull = true;
    }
    return sawNull ? null : false;
  };
}

/** `lambda_var(depth)`: the element the enclosing call at that depth is at. */
export function compileLambdaVar(e: Extract<Expr, { kind: 'call' }>): Evaluator {
  const slot = compiling[depthOf(e.args[0]!)];
  if (!slot) throw new Error('a lambda variable outside its lambda');
  return () => slot.value;
}
