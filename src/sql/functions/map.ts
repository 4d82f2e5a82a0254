/**
 * MAP functions (Feldera's reference, "Map Operations"): MAP_KEYS, MAP_VALUES,
 * MAP_CONTAINS_KEY (CARDINALITY, of a map or an array, is with the arrays). Kernels in
 * engine/functions/map.ts;
 * subscripts `m[k]` are bound with the other compound forms (bind-compound.ts).
 */
import { arrayOf, type ColumnType, typeToSql } from '../../engine/values/types.js';
import { call, coerce, fail } from '../coercion.js';
import type { Expr } from '../plan.js';
import { leastRestrictive } from '../typing.js';
import { arity, type CallSite, type FunctionBinder, type FunctionFamily } from './signature.js';

const BOOLEAN: ColumnType = { type: 'BOOLEAN', nullable: false };

/** Calcite's error for an argument of the wrong family, naming what the function takes. */
function illegal(site: CallSite, forms: string): never {
  const given = site.args.map((a) => `<${typeToSql({ ...a.type, nullable: true })}>`).join(', ');
  return fail(
    site.span,
    `Cannot apply '${site.name}' to arguments of type '${site.name}(${given})'. Supported form(s): ${forms}`,
  );
}

/** The first argument, which must be a MAP (a bare NULL is a NULL map of unknown type). */
function mapArg(site: CallSite, forms: string): Expr {
  const m = site.args[0]!;
  if (m.type.type !== 'MAP') illegal(site, forms);
  return m;
}

/** MAP_KEYS / MAP_VALUES: the keys (sorted, as the map holds them) or the values, as an ARRAY. */
function mapPart(fn: 'map_keys' | 'map_values'): FunctionBinder {
  return (site) => {
    arity(site, 1);
    const m = mapArg(site, `'${site.name}(<MAP>)'`);
    const element = fn === 'map_keys' ? m.type.key! : m.type.value!;
    return call(fn, [m], arrayOf(element, m.type.nullable));
  };
}

/** MAP_CONTAINS_KEY(map, key): NULL when either is NULL. */
const mapContainsKey: FunctionBinder = (site) => {
  arity(site, 2);
  const forms = `'MAP_CONTAINS_KEY(<MAP>, <ANY>)'`;
  const m = mapArg(site, forms);
  const k = site.args[1]!;
  if (leastRestrictive([m.type.key!, k.type]) === null) illegal(site, forms);
  const key = coerce(k, { ...m.type.key!, nullable: k.type.nullable }, site.argSpan(1));
  return call('map_contains_key', [m, key], { ...BOOLEAN, nullable: m.type.nullable || k.type.nullable });
};

export const MAP_FUNCTIONS: FunctionFamily = {
  MAP_KEYS: mapPart('map_keys'),
  MAP_VALUES: mapPart('map_values'),
  MAP_CONTAINS_KEY: mapContainsKey,
};
