/** A JSON number kept as its exact text (BIGINT, DECIMAL and JSON numbers inside VARIANT). */
export class JsonNumberText {
  constructor(readonly text: string) {}
  /** Lets plain `JSON.stringify` print it, approximately; use `valueToJsonText` for exact output. */
  toJSON(): number {
    return Number(this.text);
  }
}
