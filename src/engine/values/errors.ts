/** A value that does not fit its SQL type: wrong JSON type, out of range, NULL where NOT NULL. */
export class ValueError extends Error {
  override readonly name = 'ValueError';

  /** Field names from the column down to the value at fault (`['r', 'v1']` for `r.v1`), or empty. */
  path: readonly string[] = [];

  /** This error, as raised inside field `name` of an enclosing ROW value. */
  withinField(name: string): ValueError {
    this.path = [name, ...this.path];
    return this;
  }
}
