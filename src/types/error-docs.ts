/** Renders the error-code registry as the Markdown reference in docs/errors.md. */
import { ERROR_CODES, type ErrorCodeInfo } from './errors.js';

export function renderErrorDocs(): string {
  const rows = Object.entries(ERROR_CODES as Record<string, ErrorCodeInfo>).map(
    ([code, info]) => `| \`${code}\` | ${info.status} | ${info.description.replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error response of Sluice (manager and pipeline processes) has the body',
    '`{"message": string, "error_code": string, "details": object}`. This table lists every',
    '`error_code`, with its HTTP status. Codes marked 500 that name a deployment problem',
    "appear in a pipeline's `deployment_error` rather than as a response.",
    '',
    'Generated from `src/types/errors.ts` by `npm run docs:errors`.',
    '',
    '| error_code | status | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
