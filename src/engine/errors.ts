/**
 * Errors of the engine's public API. `EngineError.code` tells callers what went wrong without
 * parsing messages; `details` carries structured context (compiler messages, the failing view).
 */
import type { SqlCompilerMessage } from '../sql/messages.js';

export type EngineErrorCode =
  | 'InvalidQuery'
  | 'NotMaterialized'
  | 'RuntimeError'
  | 'UnknownRelation'
  | 'ParseError'
  | 'InvalidRow'
  | 'StateMismatch';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

/** Details of a `RuntimeError`: the relation whose computation failed and the step. */
export interface RuntimeErrorDetails {
  relation: string;
  step: number;
  cause: string;
}

/** Details of `InvalidQuery`/`ParseError`: the compiler messages. */
export interface QueryErrorDetails {
  messages: SqlCompilerMessage[];
}

/** A SQL runtime failure inside an expression (overflow, division by zero, bad cast). */
export class SqlRuntimeError extends Error {
  override readonly name = 'SqlRuntimeError';
}
