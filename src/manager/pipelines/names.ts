/** Name rules for pipelines and API keys, with Feldera's wording in the error. */
import { ApiError } from '../../types/errors.js';
import { PIPELINE_NAME_MAX_LENGTH, PIPELINE_NAME_PATTERN } from '../../types/pipeline.js';

const NAME_RE = new RegExp(PIPELINE_NAME_PATTERN);
const PATTERN_DESCRIPTION =
  'be non-empty and only contain lowercase (a-z), uppercase (A-Z), number (0-9), underscore (_) or hyphen (-) characters, but cannot start or end with hyphen or underscore';

/** Shortens a hostile name before it is echoed back in an error. */
function preview(name: string): string {
  return name.length > 120 ? `${name.slice(0, 120)}…(${name.length} characters)` : name;
}

/** Throws `TooLongName` or `NameDoesNotMatchPattern` unless `name` is a valid pipeline or API key name. */
export function validateName(name: string): void {
  if (name.length > PIPELINE_NAME_MAX_LENGTH) {
    throw new ApiError(
      'TooLongName',
      `Name '${preview(name)}' is too long: at most ${PIPELINE_NAME_MAX_LENGTH} characters are allowed`,
      { name: preview(name), pattern: PIPELINE_NAME_PATTERN, pattern_description: PATTERN_DESCRIPTION },
    );
  }
  if (!NAME_RE.test(name)) {
    throw new ApiError(
      'NameDoesNotMatchPattern',
      `Name '${preview(name)}' should ${PATTERN_DESCRIPTION} (pattern: '${PIPELINE_NAME_PATTERN}')`,
      { name: preview(name), pattern: PIPELINE_NAME_PATTERN, pattern_description: PATTERN_DESCRIPTION },
    );
  }
}
