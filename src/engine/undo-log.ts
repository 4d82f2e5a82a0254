/**
 * Makes a step atomic. Operators mutate their state in place and record, for each mutation,
 * how to revert it; if any operator fails, the circuit replays the log backwards and every
 * trace is exactly as before the step. On success the log is simply dropped.
 */
export class UndoLog {
  private actions: (() => void)[] = [];

  record(revert: () => void): void {
    this.actions.push(revert);
  }

  /** Reverts everything recorded, newest first, and empties the log. */
  rollback(): void {
    for (let i = this.actions.length - 1; i >= 0; i--) this.actions[i]!();
    this.actions = [];
  }

  clear(): void {
    this.actions = [];
  }

  /** Number of recorded actions; a node whose step grew it has changed its state. */
  get length(): number {
    return this.actions.length;
  }
}
