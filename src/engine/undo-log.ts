/**
 * Makes a step atomic. Operators mutate their state in place and record, for each mutation,
 * how to revert it; if any operator fails, the circuit replays the log backwards and every
 * trace is exactly as before the step. On success the log is simply dropped.
 *
 * A step records about one action per row and trace, so a bulk load's step of 20,000 rows
 * records hundreds of thousands: `call` records a function and its arguments in one flat array
 * (five slots per action) instead of allocating a closure and its context for each.
 */
type Revert = (a: unknown, b: unknown, c: unknown, d: unknown) => void;

/** Slots per action: the function, then up to four arguments. */
const STRIDE = 5;

export class UndoLog {
  private actions: unknown[] = [];

  record(revert: () => void): void {
    this.actions.push(revert, undefined, undefined, undefined, undefined);
  }

  /** Records `revert(a, b, c, d)` (a function that captures nothing, for hot paths). */
  call<A, B, C, D>(revert: (a: A, b: B, c: C, d: D) => void, a: A, b: B, c: C, d: D): void;
  call<A, B, C>(revert: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void;
  call(revert: Revert, a: unknown, b: unknown, c: unknown, d?: unknown): void {
    this.actions.push(revert, a, b, c, d);
  }

  /** Reverts everything recorded, newest first, and empties the log. */
  rollback(): void {
    const a = this.actions;
    for (let i = a.length - STRIDE; i >= 0; i -= STRIDE)
      (a[i] as Revert)(a[i + 1], a[i + 2], a[i + 3], a[i + 4]);
    this.actions = [];
  }

  clear(): void {
    this.actions = [];
  }

  /** Number of recorded actions; a node whose step grew it has changed its state. */
  get length(): number {
    return this.actions.length / STRIDE;
  }
}
