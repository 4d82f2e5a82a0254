/** A value that does not fit its SQL type: wrong JSON type, out of range, NULL where NOT NULL. */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}
