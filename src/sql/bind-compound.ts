/**
 * Binding of the compound-value forms: `ARRAY[...]`, `MAP[...]`, `ROW(...)` and structure
 * constructors, subscripts (`a[i]` from 1, `m[k]`, `v[i]` on a VARIANT, `r[i]` the i-th field) and field access
 * (`r.f`, `v.f` on a VARIANT). Out-of-range subscripts and missing keys give NULL, as in
 * Feldera, so every subscript's type is nullable.
 */
import {
  arrayOf,
  type ColumnType,
  isIntegerType,
  mapOf,
  type StructField,
  typeToSql,
} from '../engine/values/types.js';
import type * as ast from './ast.js';
import { call, coerce, fail, lit } from './coercion.js';
import type { Span } from './messages.js';
import type { Expr } from './plan.js';
import { leastRestrictive } from './typing.js';

const INTEGER: ColumnType = { type: 'INTEGER', nullable: false };
const VARIANT: ColumnType = { type: 'VARIANT', nullable: false };

/** The common type of `exprs` (NULL for none), or a located error naming `what`. */
function common(exprs: Expr[], span: Span, what: string): ColumnType {
  if (exprs.length === 0) return { type: 'NULL', nullable: true };
  const t = leastRestrictive(exprs.map((e) => e.type));
  if (t === null)
    fail(span, `The ${what} have incompatible types: ${exprs.map((e) => typeToSql(e.type)).join(', ')}`);
  return t;
}

export function bindArray(elements: Expr[], span: Span): Expr {
  const t = common(elements, span, 'elements of ARRAY');
  const items = elements.map((e) => coerce(e, { ...t, nullable: e.type.nullable }, span));
  return call('array', items, arrayOf(t, false));
}

export function bindMap(items: Expr[], span: Span): Expr {
  const keys = items.filter((_, i) => i % 2 === 0);
  const values = items.filter((_, i) => i % 2 === 1);
  const kt = common(keys, span, 'keys of MAP');
  const vt = common(values, span, 'values of MAP');
  const args = items.map((e, i) =>
    coerce(e, { ...(i % 2 === 0 ? kt : vt), nullable: e.type.nullable }, span),
  );
  return call('map', args, mapOf(kt, vt, false));
}

/** `ROW(...)`: fields named `EXPR$0`, `EXPR$1`, ... as Calcite names them. */
export function bindRow(fields: Expr[]): Expr {
  const structFields: StructField[] = fields.map((f, i) => ({
    name: `EXPR$${i}`,
    case_sensitive: false,
    columntype: f.type,
    unused: false,
  }));
  return call('row', fields, { type: 'STRUCT', nullable: false, fields: structFields });
}

/** A constructor call of a user-defined structure type: arguments convert to the field types. */
export function bindConstructor(type: ColumnType, args: Expr[], span: Span, name: string): Expr {
  const fields = type.fields!;
  if (args.length !== fields.length)
    fail(span, `Type ${name} has ${fields.length} field(s); its constructor got ${args.length} argument(s)`);
  const converted = args.map((a, i) =>
    coerce(a, { ...fields[i]!.columntype, nullable: a.type.nullable }, span),
  );
  return call('row', converted, { ...type, nullable: false });
}

export function bindSubscript(operand: Expr, index: Expr, span: Span): Expr {
  const t = operand.type;
  switch (t.type) {
    case 'ARRAY':
      if (!isIntegerType(index.type) && index.type.type !== 'NULL')
        fail(span, `An ARRAY subscript must be an integer, got ${typeToSql(index.type)}`);
      return call('index', [operand, coerce(index, { ...INTEGER, nullable: index.type.nullable })], {
        ...t.component!,
        nullable: true,
      });
    case 'MAP': {
      // A VARIANT key takes any index as CAST(index AS VARIANT), as Calcite's coercion of the
      // ITEM operator does in Feldera: `m['p']` on MAP<VARIANT, VARIANT> finds the VARCHAR key 'p'.
      const key = t.key!.type === 'VARIANT' ? t.key! : leastRestrictive([t.key!, index.type]);
      if (key === null)
        fail(span, `Cannot look up a key of type ${typeToSql(index.type)} in ${typeToSql(t)}`);
      return call('map_get', [operand, coerce(index, { ...t.key!, nullable: index.type.nullable }, span)], {
        ...t.value!,
        nullable: true,
      });
    }
    case 'VARIANT':
      return call('variant_get', [operand, coerce(index, { ...VARIANT, nullable: index.type.nullable })], {
        ...VARIANT,
        nullable: true,
      });
    case 'STRUCT':
      return bindPositionalField(operand, index, span);
    default:
      return fail(span, `Cannot apply indexing to arguments of type ${typeToSql(t)}`);
  }
}

/** `r[i]` on a ROW or user-defined type: field i (from 1), which must be an integer literal. */
function bindPositionalField(operand: Expr, index: Expr, span: Span): Expr {
  const fields = operand.type.fields!;
  const i = index.kind === 'lit' && isIntegerType(index.type) ? Number(index.value) : Number.NaN;
  if (!(Number.isInteger(i) && i >= 1 && i <= fields.length))
    fail(span, `A ROW subscript must be an integer literal from 1 to ${fields.length}`);
  const ft = fields[i - 1]!.columntype;
  return call('field', [operand, lit(i - 1, INTEGER)], {
    ...ft,
    nullable: ft.nullable || operand.type.nullable,
  });
}

export function bindField(operand: Expr, field: ast.Ident, span: Span): Expr {
  const t = operand.type;
  if (t.type === 'VARIANT')
    return call(
      'variant_get',
      [operand, coerce(lit(field.name, { type: 'VARCHAR', nullable: false, precision: -1 }), VARIANT)],
      {
        ...VARIANT,
        nullable: true,
      },
    );
  if (t.type !== 'STRUCT')
    return fail(span, `Cannot access field '${field.name}' of a value of type ${typeToSql(t)}`);
  const fields = t.fields!;
  let i = fields.findIndex((f) => f.name === field.name);
  if (i < 0 && !field.quoted) i = fields.findIndex((f) => f.name.toLowerCase() === field.name);
  if (i < 0) return fail(span, `Field '${field.name}' not found in ${typeToSql(t)}`);
  const ft = fields[i]!.columntype;
  return call('field', [operand, lit(i, INTEGER)], { ...ft, nullable: ft.nullable || t.nullable });
}
