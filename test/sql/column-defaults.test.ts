/**
 * Column `DEFAULT` values and `CONNECTOR_METADATA()` (issue 10): what compiles, what is
 * refused and where, the values the engine computes, and how JSON and CSV ingress and ad-hoc
 * INSERT use them (src/sql/column-default.ts, src/engine/defaults.ts,
 * src/runtime/formats/ingress.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import type { TableInfo } from '../../src/engine/program.js';
import { makeRowJsonEncoder } from '../../src/engine/values/json.js';
import { decodeIngress, type IngressOptions } from '../../src/runtime/formats/ingress.js';
import { ApiError } from '../../src/types/errors.js';
import { describeError } from '../helpers/sql-eval.js';

/** The first error of a program as `type @line:col: message`. */
function programError(sql: string): string {
  const r = compileProgram(sql);
  if (r.ok) return assert.fail(`expected an error for ${sql}`);
  return describeError(r.errors[0]!);
}

function table(sql: string): TableInfo {
  const r = compileProgram(sql);
  if (!r.ok) return assert.fail(JSON.stringify(r.errors));
  return r.program.tables[0]!;
}

const JSON_RECORDS: IngressOptions = { format: 'json', updateFormat: 'insert_delete', array: false };

/** The rows a body decodes to as `weight {row as egress JSON}` (and which columns an update sets). */
function decode(t: TableInfo, body: string, options = JSON_RECORDS): string[] {
  const shape = { name: t.name, columns: t.columns, primaryKey: t.primaryKey };
  const encode = makeRowJsonEncoder(t.columns);
  return decodeIngress(shape, body, options).rows.map(
    (r) => `${r.weight} ${encode(r.row)}${r.patch ? ` patch=${r.patch.map(Number).join('')}` : ''}`,
  );
}

function decodeError(t: TableInfo, body: string, options = JSON_RECORDS): string {
  try {
    decode(t, body, options);
  } catch (err) {
    if (err instanceof ApiError) return err.message;
    throw err;
  }
  return assert.fail(`expected ${body} to be refused`);
}

const KEYED = `CREATE TABLE t (
  id INT NOT NULL PRIMARY KEY,
  n INT DEFAULT 40 + 2,
  s VARCHAR NOT NULL DEFAULT 'a' || 'b',
  d DECIMAL(5, 2) DEFAULT 1.005,
  topic VARCHAR DEFAULT CAST(CONNECTOR_METADATA()['kafka_topic'] AS VARCHAR),
  req INT NOT NULL,
  plain INT
);`;

describe('column DEFAULT values', () => {
  test('defaults of many types are computed once, when the program compiles', () => {
    const t = table(`CREATE TABLE t (
      a BIGINT DEFAULT 5, b DOUBLE DEFAULT 1, c VARCHAR(3) DEFAULT 'abcdef', d DATE DEFAULT DATE '2020-01-02',
      e INT ARRAY DEFAULT ARRAY[1, NULL], f TIMESTAMP DEFAULT TIMESTAMP '2020-01-01 00:00:00' + INTERVAL 1 HOUR,
      g BOOLEAN DEFAULT NULL, h VARIANT DEFAULT CONNECTOR_METADATA(), i INT DEFAULT ABS(-3) * 2)`);
    assert.deepEqual(decode(t, '{"insert": {}}'), [
      '1 {"a":5,"b":1,"c":"abc","d":"2020-01-02","e":[1,null],"f":"2020-01-01 01:00:00","g":null,"h":null,"i":6}',
    ]);
    const values = t.columns.map((c) => c.default?.value);
    assert.equal(values[0], 5n);
    assert.equal(values[1], 1);
    assert.equal(values[2], 'abc', 'converted to the column type as a CAST does');
    assert.deepEqual(values[4], [1, null]);
    assert.equal(values[6], null);
    assert.equal(values[7], null, 'CONNECTOR_METADATA() is NULL: no Sluice input has connector metadata');
    assert.equal(values[8], 6);
  });

  test('the program schema reports each default as written', () => {
    const r = compileProgram(KEYED);
    assert.ok(r.ok);
    const fields = r.program.schema.inputs[0]!.fields;
    assert.deepEqual(
      fields.map((f) => f.default ?? null),
      [
        null,
        '40 + 2',
        "'a' || 'b'",
        '1.005',
        "CAST(CONNECTOR_METADATA()['kafka_topic'] AS VARCHAR)",
        null,
        null,
      ],
    );
  });

  test('a JSON object that omits a column gives it its default; without one NULL, or an error if NOT NULL', () => {
    const t = table(KEYED);
    assert.deepEqual(decode(t, '{"insert": {"id": 1, "req": 7}}'), [
      '1 {"id":1,"n":42,"s":"ab","d":1.01,"topic":null,"req":7,"plain":null}',
    ]);
    assert.deepEqual(
      decode(t, '{"insert": {"id": 2, "req": 7, "n": null, "s": "given", "plain": 3}}'),
      ['1 {"id":2,"n":null,"s":"given","d":1.01,"topic":null,"req":7,"plain":3}'],
      'a column given as null is NULL, not its default',
    );
    assert.match(
      decodeError(t, '{"insert": {"id": 3, "n": 1}}'),
      /record 1 for table 't': missing value for NOT NULL column 'req'/,
    );
    assert.deepEqual(decode(t, '{"id": 4, "req": 0}', { ...JSON_RECORDS, updateFormat: 'raw' }), [
      '1 {"id":4,"n":42,"s":"ab","d":1.01,"topic":null,"req":0,"plain":null}',
    ]);
    assert.deepEqual(
      decode(t, '{"weight": 2, "data": {"id": 5, "req": 0}}', { ...JSON_RECORDS, updateFormat: 'weighted' }),
      ['2 {"id":5,"n":42,"s":"ab","d":1.01,"topic":null,"req":0,"plain":null}'],
    );
  });

  test('an update leaves the columns it omits unchanged, defaults or not', () => {
    const t = table(KEYED);
    assert.deepEqual(decode(t, '{"update": {"id": 1, "plain": 9}}'), [
      '1 {"id":1,"n":null,"s":null,"d":null,"topic":null,"req":null,"plain":9} patch=1000001',
    ]);
  });

  test('a delete of a table without a key matches rows by the defaults of the columns it omits', () => {
    const t = table('CREATE TABLE u (x INT, y INT DEFAULT 3)');
    assert.deepEqual(decode(t, '{"delete": {"x": 1}}'), ['-1 {"x":1,"y":3}']);
  });

  test('rows as arrays and CSV records take no defaults: every column is given', () => {
    const t = table('CREATE TABLE u (x INT, y INT DEFAULT 3)');
    assert.match(
      decodeError(t, '{"insert": [1]}'),
      /must hold the 2 column values of the table in order, got 1/,
    );
    assert.deepEqual(decode(t, '{"insert": [1, null]}'), ['1 {"x":1,"y":null}']);
    const csv: IngressOptions = { format: 'csv', updateFormat: 'raw', array: false };
    assert.match(decodeError(t, '1\n', csv), /expected 2 fields, found 1/);
    assert.deepEqual(decode(t, '1,\n', csv), ['1 {"x":1,"y":null}']);
  });
});

describe('column DEFAULT values that are refused', () => {
  test('NOW() is not deterministic', () => {
    assert.equal(
      programError('CREATE TABLE t (x INT,\n  ts TIMESTAMP DEFAULT NOW() - INTERVAL 1 DAY)'),
      "Not yet implemented @2:24: The DEFAULT value of column 'ts' calls NOW(): only deterministic expressions are allowed as column defaults",
    );
  });

  test('a default of another type family, or one out of range, is a compile-time type error', () => {
    assert.equal(
      programError("CREATE TABLE t (x INT DEFAULT 'abc')"),
      "Compilation error @1:31: Cannot assign the DEFAULT value of type VARCHAR NOT NULL to column 'x' of type INTEGER",
    );
    assert.match(
      programError('CREATE TABLE t (x DATE DEFAULT 1)'),
      /Cannot assign the DEFAULT value of type INTEGER NOT NULL to column 'x' of type DATE/,
    );
    assert.match(programError('CREATE TABLE t (x BOOLEAN DEFAULT 1)'), /Cannot assign the DEFAULT value/);
    assert.match(
      programError('CREATE TABLE t (x TINYINT DEFAULT 1000)'),
      /@1:35: Cannot convert literal: cannot convert 1000 to TINYINT/,
    );
  });

  test('a default that reads a column, or holds a subquery', () => {
    assert.equal(
      programError('CREATE TABLE t (x INT DEFAULT y + 1, y INT)'),
      "Compilation error @1:31: The DEFAULT value of column 'x' refers to 'y': a DEFAULT expression cannot read columns",
    );
    assert.match(
      programError('CREATE TABLE t (x INT DEFAULT (SELECT 1))'),
      /Subqueries are not supported here/,
    );
  });

  test('a default that cannot be computed, or is NULL for a NOT NULL column', () => {
    assert.match(
      programError('CREATE TABLE t (x INT,\n y INT DEFAULT 1 / 0)'),
      /^Compilation error @2:16: The DEFAULT value of column 'y' cannot be computed: /,
    );
    assert.equal(
      programError('CREATE TABLE t (x INT NOT NULL DEFAULT NULL)'),
      "Compilation error @1:40: The DEFAULT value of column 'x' is NULL, and the column has type INTEGER NOT NULL",
    );
    assert.match(
      programError("CREATE TABLE t (x INT NOT NULL DEFAULT CAST(CONNECTOR_METADATA()['p'] AS INT))"),
      /The DEFAULT value of column 'x' is NULL, and the column has type INTEGER NOT NULL/,
    );
  });

  test('two DEFAULTs on one column', () => {
    assert.match(
      programError('CREATE TABLE t (x INT DEFAULT 1 DEFAULT 2)'),
      /A column has at most one DEFAULT/,
    );
  });

  test('DEFAULT combines with NOT NULL and PRIMARY KEY in any order', () => {
    const t = table('CREATE TABLE t (k INT DEFAULT 1 NOT NULL PRIMARY KEY, v INT NOT NULL DEFAULT 2)');
    assert.deepEqual(t.primaryKey, [0]);
    assert.deepEqual(decode(t, '{"insert": {}}'), ['1 {"k":1,"v":2}']);
  });
});

describe('CONNECTOR_METADATA()', () => {
  test('is refused outside a column DEFAULT, and takes no arguments', () => {
    assert.equal(
      programError('CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT CONNECTOR_METADATA() AS m FROM t;'),
      'Not yet implemented @2:25: CONNECTOR_METADATA() is supported only in the DEFAULT expression of a table column',
    );
    assert.match(
      programError('CREATE TABLE t (x VARIANT DEFAULT CONNECTOR_METADATA(1))'),
      /CONNECTOR_METADATA\(\) takes no arguments/,
    );
  });
});
