/**
 * GREATEST and LEAST (Feldera's reference, "Other conditional operators"), ordering values of
 * one type by the engine's total order: the plain forms are strict (a NULL argument makes the
 * result NULL); the _IGNORE_NULLS forms skip NULLs and are NULL only when every argument is.
 */
import { compareValues, type Value } from '../values/value.js';
import { type Kernel, type KernelFamily, strict } from './kernel.js';

/** The argument that `better` prefers, skipping NULLs. */
function pick(args: Value[], better: (c: number) => boolean): Value {
  let best: Value = null;
  for (const v of args) if (v !== null && (best === null || better(compareValues(v, best)))) best = v;
  return best;
}

function ignoringNulls(better: (c: number) => boolean): Kernel {
  return { nulls: 'nullable', make: () => (args) => pick(args, better) };
}

const greater = (c: number) => c > 0;
const less = (c: number) => c < 0;

export const CONDITIONAL_KERNELS: KernelFamily = {
  greatest: strict((args) => pick(args, greater)),
  least: strict((args) => pick(args, less)),
  greatest_ignore_nulls: ignoringNulls(greater),
  least_ignore_nulls: ignoringNulls(less),
};
