/**
 * Conversions between typed values and VARIANT (Feldera's reference, "JSON support"):
 * - any value becomes a `Variant` tagged with its runtime type; arrays and maps convert their
 *   parts recursively, and a ROW becomes a MAP from field names to field values (a NULL ROW
 *   too, as a MAP of NULLs: `nullToVariant`);
 * - a `Variant` converts to a type when its runtime type is that type (CHAR and VARCHAR count
 *   as one, so do BINARY and VARBINARY) or both are numeric; otherwise, and for the JSON-null
 *   variant, the result is NULL: such a cast never fails. A cast to a ROW is the exception: it
 *   always gives a ROW, of NULLs where fields are missing (Feldera's field-by-field expansion).
 */
import type { Caster } from './cast.js';
import { Decimal } from './decimal.js';
import { type ColumnType, isNumericType, type SqlTypeName } from './types.js';
import { SqlMap, type Value, Variant, type VariantKind } from './value.js';

/** The runtime type a value of `t` has inside a variant. */
export function variantKind(t: ColumnType): VariantKind {
  switch (t.type) {
    case 'CHAR':
      return 'VARCHAR';
    case 'BINARY':
      return 'VARBINARY';
    case 'STRUCT':
      return 'MAP';
    case 'NULL':
      return 'VARIANT';
    default:
      return t.type as VariantKind;
  }
}

/** A column type describing the content of a variant of `kind` (for casts out of it). */
export function kindType(kind: VariantKind): ColumnType {
  switch (kind) {
    case 'VARCHAR':
    case 'VARBINARY':
      return { type: kind, nullable: true, precision: -1 };
    case 'DECIMAL':
      return { type: 'DECIMAL', nullable: true, precision: 38, scale: 0 };
    case 'ARRAY':
      return { type: 'ARRAY', nullable: true, component: { type: 'VARIANT', nullable: true } };
    case 'MAP':
      return {
        type: 'MAP',
        nullable: true,
        key: { type: 'VARIANT', nullable: false },
        value: { type: 'VARIANT', nullable: true },
      };
    default:
      return { type: kind as SqlTypeName, nullable: true };
  }
}

/**
 * The VARIANT a NULL of `from` becomes in CAST(... AS VARIANT). A ROW converts field by field
 * (Feldera's ExpandCasts.convertToVariant builds a map literal from the fields without testing
 * the row itself for NULL), so a NULL ROW becomes a MAP from each field name to that field's
 * NULL, nested ROWs the same way: `{"int":null,"var":null}`, as Feldera's own tests expect
 * (variant_tests, cmpx_to_variant). Any other NULL is the VARIANT null.
 */
export function nullToVariant(from: ColumnType): Variant {
  if (from.type !== 'STRUCT') return Variant.NULL;
  return new Variant(
    'MAP',
    new SqlMap(
      from.fields!.map((f) => [new Variant('VARCHAR', f.name), nullFieldVariant(f.columntype)] as const),
    ),
  );
}

/** The content of a NULL part (field, element) of a compound value converted to VARIANT. */
function nullFieldVariant(t: ColumnType): Variant | null {
  return t.type === 'STRUCT' ? nullToVariant(t) : null;
}

/** The conversion of non-NULL values of `from` to VARIANT. */
export function toVariantCaster(from: ColumnType): Caster {
  switch (from.type) {
    case 'VARIANT':
      return (v) => v;
    case 'NULL':
      return () => null;
    case 'ARRAY': {
      const element = toVariantCaster(from.component!);
      return (v) =>
        new Variant(
          'ARRAY',
          (v as Value[]).map((e) => (e === null ? nullFieldVariant(from.component!) : element(e))),
        );
    }
    case 'MAP': {
      const key = toVariantCaster(from.key!);
      const value = toVariantCaster(from.value!);
      return (v) =>
        new Variant(
          'MAP',
          new SqlMap((v as SqlMap).entries.map(([k, e]) => [key(k), e === null ? null : value(e)] as const)),
        );
    }
    case 'STRUCT': {
      const fields = from.fields!.map((f) => ({
        name: new Variant('VARCHAR', f.name),
        type: f.columntype,
        cast: toVariantCaster(f.columntype),
      }));
      return (v) =>
        new Variant(
          'MAP',
          new SqlMap(
            fields.map((f, i) => {
              const x = (v as Value[])[i] as Value;
              return [f.name, x === null ? nullFieldVariant(f.type) : f.cast(x)] as const;
            }),
          ),
        );
    }
    default: {
      const kind = variantKind(from);
      return (v) => new Variant(kind, v);
    }
  }
}

/**
 * The conversion of VARIANT to `to`; `scalarCast` converts a scalar content of runtime type
 * `kind` to `to` (it may throw; the error makes the result NULL).
 */
export function fromVariantCaster(
  to: ColumnType,
  scalarCast: (from: ColumnType, to: ColumnType) => Caster,
): Caster {
  const convert = (inner: ColumnType) => fromVariantCaster(inner, scalarCast);
  const content = (v: Value): Variant | null => (v instanceof Variant && v.kind !== 'VARIANT' ? v : null);
  switch (to.type) {
    case 'VARIANT':
      return (v) => v;
    case 'ARRAY': {
      const element = convert(to.component!);
      return (v) => {
        const x = content(v);
        return x?.kind === 'ARRAY' ? (x.value as Value[]).map((e) => (e === null ? null : element(e))) : null;
      };
    }
    case 'MAP': {
      const key = convert(to.key!);
      const value = convert(to.value!);
      return (v) => {
        const x = content(v);
        if (x?.kind !== 'MAP') return null;
        const entries: [Value, Value][] = [];
        for (const [k, e] of (x.value as SqlMap).entries) {
          const kk = key(k);
          if (kk === null) return null;
          entries.push([kk, e === null ? null : value(e)]);
        }
        return new SqlMap(entries);
      };
    }
    case 'STRUCT': {
      // Always a ROW, never NULL: Feldera's ExpandCasts.convertToStruct builds the tuple from
      // each field looked up by name (NULL when the variant is not a map or lacks the field),
      // nested ROWs alike; so a NULL or non-map variant gives a ROW of NULLs. `v` may be NULL.
      const fields = to.fields!.map((f) => ({
        name: new Variant('VARCHAR', f.name),
        isRow: f.columntype.type === 'STRUCT',
        cast: convert(f.columntype),
      }));
      return (v) => {
        const x = content(v);
        const map = x?.kind === 'MAP' ? (x.value as SqlMap) : null;
        return fields.map((f) => {
          const e = map?.get(f.name) ?? null;
          return e === null && !f.isRow ? null : f.cast(e);
        });
      };
    }
    default: {
      const target = variantKind(to);
      const casts = new Map<VariantKind, Caster | null>();
      const castFrom = (kind: VariantKind): Caster | null => {
        if (!casts.has(kind)) {
          const from = kindType(kind);
          const allowed = kind === target || (isNumericType(from) && isNumericType(to));
          casts.set(kind, allowed ? scalarCast(from, to) : null);
        }
        return casts.get(kind)!;
      };
      return (v) => {
        const x = content(v);
        if (!x) return null;
        const cast = castFrom(x.kind);
        if (!cast) return null;
        try {
          return cast(x.value);
        } catch {
          return null;
        }
      };
    }
  }
}

/** A DECIMAL variant of an exact JSON number's text, as Feldera stores JSON numbers. */
export function jsonNumberVariant(text: string): Variant | undefined {
  const d = Decimal.parse(text);
  return d ? new Variant('DECIMAL', d) : undefined;
}
