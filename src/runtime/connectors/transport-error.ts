/**
 * The error a connector that cannot be opened stops the pipeline with: Feldera's
 * `ControllerError::InputTransportError` / `OutputTransportError` with `fatal` set
 * (crates/adapters/src/controller/error.rs), its message and its error code, so the
 * pipeline's `deployment_error` reads as Feldera's does.
 */
import { ApiError } from '../../types/errors.js';

/** `FATAL error on input endpoint 't.c': <error>` (or output), code `InputTransportError` (or output). */
export function fatalTransportError(
  direction: 'input' | 'output',
  endpoint: string,
  error: string,
): ApiError {
  return new ApiError(
    direction === 'input' ? 'InputTransportError' : 'OutputTransportError',
    `FATAL error on ${direction} endpoint '${endpoint}': ${error}`,
    { endpoint_name: endpoint, fatal: true, error },
  );
}
