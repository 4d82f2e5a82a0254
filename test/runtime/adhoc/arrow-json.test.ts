/** The ad-hoc (Arrow) JSON form of /query results, type by type, against the egress form. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../../src/engine/index.js';
import { parseJsonValue, rowToJsonText } from '../../../src/engine/values/index.js';
import type { ColumnType } from '../../../src/engine/values/types.js';
import { adhocJsonText, makeAdhocRowEncoder } from '../../../src/runtime/adhoc/arrow-json.js';

const t = (type: ColumnType['type'], extra: Partial<ColumnType> = {}): ColumnType => ({
  type,
  nullable: true,
  ...extra,
});

/** The ad-hoc JSON text of the value a JSON ingress text gives for `type`. */
const adhoc = (type: ColumnType, json: unknown) => adhocJsonText(type, parseJsonValue(type, json));

/** Rows of `SELECT <select>` over no table, in the ad-hoc form and in the egress form. */
function both(select: string): { adhoc: string; egress: string } {
  const r = compileProgram(`CREATE MATERIALIZED VIEW v AS SELECT ${select};`);
  if (!r.ok) return assert.fail(r.errors.map((e) => e.message).join('\n'));
  const view = r.program.lookupRelation('v')!;
  const circuit = r.program.instantiate();
  circuit.step();
  const [row] = circuit.snapshot('v');
  return {
    adhoc: makeAdhocRowEncoder(view.columns)(row!.row),
    egress: rowToJsonText(view.columns, row!.row),
  };
}

describe('ad-hoc JSON form', () => {
  test('TIMESTAMP: a T separator, the fraction in 3, 6 or 9 digits or none', () => {
    const ts = t('TIMESTAMP');
    assert.equal(adhoc(ts, '2020-06-21 14:23:44.123'), '"2020-06-21T14:23:44.123"');
    assert.equal(adhoc(ts, '2020-06-21 14:23:44.5'), '"2020-06-21T14:23:44.500"');
    assert.equal(adhoc(ts, '2020-06-21 14:23:44.000120'), '"2020-06-21T14:23:44.000120"');
    assert.equal(adhoc(ts, '1969-12-31 23:59:59'), '"1969-12-31T23:59:59"');
  });

  test('DATE, TIME, UUID, numbers and strings are as in egress', () => {
    assert.equal(adhoc(t('DATE'), '2024-02-29'), '"2024-02-29"');
    assert.equal(adhoc(t('TIME'), '08:09:10.25'), '"08:09:10.250"');
    assert.equal(
      adhoc(t('UUID'), '42b8fec7-c7a3-4531-9611-4bde80f9cb4c'),
      '"42b8fec7-c7a3-4531-9611-4bde80f9cb4c"',
    );
    const big = t('BIGINT');
    assert.equal(adhocJsonText(big, parseJsonValue(big, 0, '9007199254740993')), '9007199254740993');
    assert.equal(adhoc(t('DOUBLE'), 1.5), '1.5');
    assert.equal(adhoc(t('VARCHAR'), 'a"b'), '"a\\"b"');
  });

  test('DECIMAL: a number with exactly the scale digits', () => {
    assert.equal(adhoc(t('DECIMAL', { precision: 10, scale: 2 }), 7.5), '7.50');
    assert.equal(adhoc(t('DECIMAL', { precision: 10, scale: 0 }), 12), '12');
  });

  test('BINARY and VARBINARY: lower-case hex text', () => {
    assert.equal(adhoc(t('VARBINARY'), [11, 22, 32]), '"0b1620"');
    assert.equal(adhoc(t('BINARY', { precision: 2 }), [255, 0]), '"ff00"');
  });

  test('VARIANT: a string with its JSON text; the VARIANT null is "null", SQL NULL is null', () => {
    const v = t('VARIANT');
    assert.equal(adhoc(v, 20), '"20"');
    assert.equal(adhoc(v, 'ciao'), '"\\"ciao\\""');
    assert.equal(adhoc(v, { a: [1, null] }), '"{\\"a\\":[1,null]}"');
    assert.equal(adhoc({ ...v, nullable: false }, null), '"null"');
    assert.equal(adhocJsonText(v, null), 'null');
  });

  test('compound values: each element, value and field in its ad-hoc form; nulls explicit', () => {
    const ts = t('TIMESTAMP');
    const bytes = t('VARBINARY');
    const variant = t('VARIANT');
    assert.equal(
      adhoc(t('ARRAY', { component: ts }), ['2001-01-01 00:00:01', null]),
      '["2001-01-01T00:00:01",null]',
    );
    assert.equal(
      adhoc(t('MAP', { key: t('VARCHAR'), value: bytes }), { k: [1], z: null }),
      '{"k":"01","z":null}',
    );
    assert.equal(
      adhoc(t('MAP', { key: t('INTEGER'), value: variant }), { '3': 'x', '-1': 2 }),
      '{"-1":"2","3":"\\"x\\""}',
    );
    const row = t('STRUCT', {
      fields: [
        { name: 'v', columntype: variant, case_sensitive: false, unused: false },
        { name: 'b', columntype: bytes, case_sensitive: false, unused: false },
      ],
    });
    assert.equal(adhoc(row, { v: null, b: null }), '{"v":null,"b":null}');
    assert.equal(adhoc(row, { v: [true], b: [171] }), '{"v":"[true]","b":"ab"}');
  });

  test('MAP keys: a VARIANT key is its JSON text, a DATE key its text', () => {
    assert.equal(
      both("MAP[CAST('k' AS VARIANT), 1, CAST(2 AS VARIANT), 3] AS m").adhoc,
      '{"m":{"2":3,"\\"k\\"":1}}',
    );
    assert.equal(both("MAP[DATE '2024-01-02', TRUE] AS m").adhoc, '{"m":{"2024-01-02":true}}');
  });

  test('a row of a query: the two forms differ only where Arrow does', () => {
    const r = both(
      "1 AS i, TIMESTAMP '2020-06-21 14:23:44.123' AS ts, x'0b1620' AS b, CAST(NULL AS INT) AS n, CAST(CAST(NULL AS INT) AS VARIANT) AS vn",
    );
    assert.equal(r.adhoc, '{"i":1,"ts":"2020-06-21T14:23:44.123","b":"0b1620","n":null,"vn":"null"}');
    assert.equal(r.egress, '{"i":1,"ts":"2020-06-21 14:23:44.123","b":[11,22,32],"n":null,"vn":null}');
  });
});
