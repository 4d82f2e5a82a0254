/**
 * Checks JSON bodies against the schemas of Feldera's v0.312 OpenAPI document
 * (../shared/reference), so conformance tests compare with the contract itself rather than
 * with our own copy of it.
 *
 * A clone with no ../shared beside it still runs every test: `reference` is then null,
 * `assertMatchesReference` checks nothing, `assertError` checks the status and the error code
 * only, and tests that read `reference` itself pass `{ skip: referenceMissing }`. Importing this
 * module in such a clone registers one skipped test in the importing file whose reason says so,
 * so the report shows which files ran without the comparison.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const REFERENCE_PATH = join(
  process.cwd(),
  '..',
  'shared',
  'reference',
  'feldera-api-v0.312.openapi.json',
);

/** Why comparisons with the reference are skipped here, or false when it is present. */
export const referenceMissing: string | false = existsSync(REFERENCE_PATH)
  ? false
  : `Feldera's reference OpenAPI document is not at ${REFERENCE_PATH} (no ../shared beside this clone): comparisons with it are skipped`;

/** The reference OpenAPI document, or null where it is absent (see `referenceMissing`). */
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document
export const reference: any = referenceMissing ? null : JSON.parse(readFileSync(REFERENCE_PATH, 'utf8'));

if (referenceMissing)
  test('comparisons with the Feldera reference OpenAPI document', { skip: referenceMissing });

/**
 * OpenAPI 3.0's `nullable` is only understood by Ajv next to a `type`; the reference also
 * puts it beside `allOf`/`$ref`/untyped schemas. Rewrite those as `anyOf [schema, null]`.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = toJsonSchema(v);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, description: _d, default: _def, example: _e, ...rest } = out;
    return Object.keys(rest).length === 0 ? {} : { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

let ajv: Ajv | null = null;
const cache = new Map<string, ValidateFunction>();

function validatorFor(name: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, discriminator: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema({ $id: 'feldera', components: toJsonSchema(reference.components) }, 'feldera');
  }
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `feldera#/components/schemas/${name}` });
    cache.set(name, validate);
  }
  return validate;
}

/**
 * Asserts that `value` conforms to the reference component schema `name`; checks nothing
 * where the reference is absent (see the module header).
 */
export function assertMatchesReference(name: string, value: unknown): void {
  if (referenceMissing) return;
  const validate = validatorFor(name);
  const ok = validate(value);
  assert.ok(ok, `${name} does not match the reference: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
}

/**
 * Asserts that a response is an error with the given status and code in Sluice's one error
 * shape `{message, error_code, details}`, and in the reference's `ErrorResponse` schema where
 * the reference is present.
 */
export function assertError(res: { status: number; body: unknown }, status: number, code: string): void {
  assert.equal(
    res.status,
    status,
    `expected ${status} ${code}, got ${res.status}: ${JSON.stringify(res.body)}`,
  );
  const body = res.body as { message?: unknown; error_code?: unknown };
  assert.equal(typeof body.message, 'string', JSON.stringify(res.body));
  assert.ok('details' in body, `no details: ${JSON.stringify(res.body)}`);
  assertMatchesReference('ErrorResponse', res.body);
  assert.equal(body.error_code, code);
}
