/**
 * Finding the inputs a failed step failed on.
 *
 * A step processes every input accepted since the previous one; when it fails (an overflow in
 * a view, a division by zero), the circuit rolls back to where it was before the step. The
 * inputs are then retried in halves, in order: a half that succeeds is committed as a step of
 * its own, a half that fails is split again, and a single input that fails is rejected. So the
 * good inputs of the step are processed, in the order they were accepted, and only the failing
 * ones are left out. With k failing inputs among n this costs O(k log n) extra steps; a failing
 * input is judged against the state its predecessors left, as it would have been had it been
 * stepped alone.
 */

/** The outcome of trying to step some inputs: committed, or failed and rolled back. */
export type Attempt = { ok: true } | { ok: false; error: unknown };

/**
 * Steps `inputs` (which just failed together with `error`) in ever smaller ordered parts;
 * `attempt` steps a part and commits it if it succeeds; `reject` is called for each input that
 * fails alone, with its error.
 */
export function isolateFailures<T>(
  inputs: readonly T[],
  error: unknown,
  attempt: (part: readonly T[]) => Attempt,
  reject: (input: T, error: unknown) => void,
): void {
  const visit = (part: readonly T[], failure: unknown | undefined): void => {
    if (part.length === 0) return;
    let err = failure;
    if (err === undefined) {
      const result = attempt(part);
      if (result.ok) return;
      err = result.error;
    }
    if (part.length === 1) {
      reject(part[0] as T, err);
      return;
    }
    const mid = Math.ceil(part.length / 2);
    visit(part.slice(0, mid), undefined);
    visit(part.slice(mid), undefined);
  };
  visit(inputs, error);
}
