/** Turns the engine's errors into API errors with the reference's shape and a 4xx status. */
import { EngineError } from '../engine/errors.js';
import { ApiError } from '../types/errors.js';

/** Runs `fn`, rethrowing an `EngineError` as the matching `ApiError`. */
export function withApiErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    const code = err.code === 'NotMaterialized' ? 'NotMaterialized' : 'InvalidQuery';
    throw new ApiError(code, err.message, { engine_error: err.code, ...(err.details as object | null) });
  }
}
