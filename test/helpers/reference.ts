/**
 * Checks JSON bodies against the schemas of Feldera's v0.312 OpenAPI document
 * (../shared/reference), so conformance tests compare with the contract itself rather than
 * with our own copy of it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const path = join(process.cwd(), '..', 'shared', 'reference', 'feldera-api-v0.312.openapi.json');
if (!existsSync(path)) throw new Error(`Feldera reference OpenAPI document not found at ${path}`);

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document
export const reference: any = JSON.parse(readFileSync(path, 'utf8'));

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

const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema({ $id: 'feldera', components: toJsonSchema(reference.components) }, 'feldera');
const cache = new Map<string, ValidateFunction>();

/** Asserts that `value` conforms to the reference component schema `name`. */
export function assertMatchesReference(name: string, value: unknown): void {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `feldera#/components/schemas/${name}` });
    cache.set(name, validate);
  }
  const ok = validate(value);
  assert.ok(ok, `${name} does not match the reference: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
}

/** Asserts that `value` is a reference `ErrorResponse` with the given code. */
export function assertError(res: { status: number; body: unknown }, status: number, code: string): void {
  assert.equal(
    res.status,
    status,
    `expected ${status} ${code}, got ${res.status}: ${JSON.stringify(res.body)}`,
  );
  assertMatchesReference('ErrorResponse', res.body);
  assert.equal((res.body as { error_code: string }).error_code, code);
}
