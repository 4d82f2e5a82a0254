/**
 * Ajv's schema-validation errors turned into one message per offending field, each saying what
 * the field must be: "runtime_config.resources.memory_mb_max: must be an integer from 0 to
 * 18446744073709551615 or null, got -1".
 *
 * With `allErrors`, Ajv reports every branch of a union that failed (a nullable integer gives
 * "must be >= 0", "must be null" and "must match a schema in anyOf") and every enclosing union
 * the value sits in. This module keeps only the deepest failing paths (an error at a path
 * that holds a deeper failing path is a consequence of it) and, per path, describes the schema
 * the value had to match, read from the error's `parentSchema` (the validator runs with
 * `verbose`), instead of listing the branches.
 *
 * The offending value is echoed only when it is a number, a boolean or null: strings and
 * objects may hold secrets (`env`, credentials) and never reach an error message.
 */
import type { ErrorObject } from 'ajv';
import { U64_MAX } from '../types/unsigned.js';

/** One offending field: its JSON pointer, its dotted name, and what it must be. */
export interface FieldProblem {
  path: string;
  field: string;
  message: string;
}

/** u64::MAX as Feldera's types spell it (`U64_MAX` is the nearest number, 2^64). */
const U64_MAX_TEXT = '18446744073709551615';

type Schema = Record<string, unknown>;

/** Keywords whose failure is best said by describing the schema the value had to match. */
const DESCRIBED = new Set([
  'type',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'const',
  'enum',
  'anyOf',
  'oneOf',
  'multipleOf',
]);

function bound(n: number): string {
  return n === U64_MAX ? U64_MAX_TEXT : String(n);
}

function joinOr(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length <= 1
    ? (unique[0] ?? 'valid')
    : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`;
}

/** What a value matching `schema` is, in words ("an integer from 0 to 255", "'none'", "null"). */
export function describeSchema(schema: Schema): string {
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches)) return joinOr(branches.map(describeSchema));
  if ('const' in schema) return JSON.stringify(schema.const).replace(/^"(.*)"$/, "'$1'");
  if (Array.isArray(schema.enum))
    return joinOr(schema.enum.map((v) => JSON.stringify(v).replace(/^"(.*)"$/, "'$1'")));
  const min = typeof schema.minimum === 'number' ? schema.minimum : null;
  const max = typeof schema.maximum === 'number' ? schema.maximum : null;
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const what = schema.type === 'integer' ? 'an integer' : 'a number';
      if (min !== null && max !== null) return `${what} from ${bound(min)} to ${bound(max)}`;
      if (min !== null) return `${what} of at least ${bound(min)}`;
      if (max !== null) return `${what} of at most ${bound(max)}`;
      return what;
    }
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object':
      return 'an object';
    case 'array': {
      const items = schema.items as Schema | undefined;
      return items && typeof items === 'object' ? `an array of ${plural(describeSchema(items))}` : 'an array';
    }
    default:
      return 'valid';
  }
}

/** "an integer from 0 to 9" → "integers from 0 to 9", for array items. */
function plural(description: string): string {
  return description.replace(/^an? (integer|number|string|object|array)/, '$1s');
}

/** `/runtime_config/pin_cpus/0` → `runtime_config.pin_cpus[0]` (RFC 6901 escapes undone). */
export function fieldName(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(segment) ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}

function echo(data: unknown): string {
  if (typeof data === 'number' || typeof data === 'boolean' || data === null) return `, got ${String(data)}`;
  return '';
}

/** The problems behind Ajv's `errors`, one per deepest failing path, in the order Ajv found them. */
export function fieldProblems(errors: ErrorObject[]): FieldProblem[] {
  const paths = [...new Set(errors.map((e) => e.instancePath))];
  const deepest = paths.filter((p) => !paths.some((q) => q !== p && q.startsWith(`${p}/`)));
  return deepest.map((path) => {
    const here = errors.filter((e) => e.instancePath === path);
    // Something other than a mismatch of type or range (a required property, a pattern) is
    // the more precise complaint: the value had the right shape but broke a rule inside it.
    const specific = here.find((e) => !DESCRIBED.has(e.keyword));
    let message: string;
    if (specific) {
      message = specific.message ?? 'is invalid';
    } else {
      const union = here.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
      const schema = (union ?? here[0])?.parentSchema as Schema | undefined;
      message = schema
        ? `must be ${describeSchema(schema)}${echo(here[0]?.data)}`
        : (here[0]?.message ?? 'is invalid');
    }
    return { path, field: fieldName(path), message };
  });
}
