/**
 * Binary-string functions (Feldera's reference, "Binary (Byte Array) Operations") that have no
 * string form; kernels in engine/functions/binary.ts. The overloaded ones (LEFT, RIGHT,
 * SUBSTRING, POSITION, OVERLAY, MD5, `||`) are in string.ts. A string argument is taken as
 * its UTF-8 bytes (text-args.ts).
 */
import { VARCHAR } from '../coercion.js';
import type { FunctionFamily } from './signature.js';
import { text, textual } from './text-args.js';

export const BINARY_FUNCTIONS: FunctionFamily = {
  OCTET_LENGTH: textual('octet_length', ['binary'], text.integer),
  TO_HEX: textual('to_hex', ['binary'], text.varchar),
  TO_INT: textual('to_int', ['binary'], text.integer),
  /** Fails the step when the input is not gzip data holding UTF-8 text. */
  GUNZIP: textual('gunzip', ['binary'], text.varchar),
  /** NULL when the bytes are not UTF-8, so its type is always nullable. */
  BIN2UTF8: (site) => ({
    ...textual('bin2utf8', ['binary'], text.varchar)(site),
    type: { ...VARCHAR, nullable: true },
  }),
};
