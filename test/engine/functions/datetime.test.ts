/**
 * The `date_of_text` kernel (DATE(string), Feldera's runtime cast of text to DATE): chrono's
 * `%Y-%m-%d` read of the text as it is, a day number for a calendar day, a `SqlRuntimeError`
 * naming the text for anything else.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SqlRuntimeError } from '../../../src/engine/errors.js';
import { DATETIME_KERNELS } from '../../../src/engine/functions/datetime.js';
import { daysFromCivil } from '../../../src/engine/values/datetime.js';

const kernel = DATETIME_KERNELS.date_of_text!;
const dateOf = kernel.make([{ type: 'VARCHAR', nullable: false, precision: -1 }], {
  type: 'DATE',
  nullable: false,
});
const read = (text: string) => dateOf([text]);

describe('date_of_text', () => {
  test('is strict: NULL arguments never reach it', () => {
    assert.equal(kernel.nulls, 'strict');
  });

  test('gives the day number of YYYY-MM-DD text', () => {
    assert.equal(read('1970-01-01'), 0);
    assert.equal(read('1969-12-31'), -1);
    assert.equal(read('2024-02-29'), daysFromCivil(2024, 2, 29));
    assert.equal(read('0001-01-01'), daysFromCivil(1, 1, 1));
  });

  test("takes chrono's liberties: 1-digit fields, whitespace before a number, a signed long year", () => {
    assert.equal(read('2020-1-5'), daysFromCivil(2020, 1, 5));
    assert.equal(read('\t 2020-01-05'), daysFromCivil(2020, 1, 5));
    assert.equal(read('2020- 1-05'), daysFromCivil(2020, 1, 5));
    assert.equal(read('+12345-01-01'), daysFromCivil(12345, 1, 1));
    assert.equal(read('-0044-03-15'), daysFromCivil(-44, 3, 15));
  });

  test('fails on text that is not a calendar day, naming it', () => {
    for (const text of [
      '2020-01-01 ',
      '2020-01-01x',
      '2019-02-29',
      '2020-04-31',
      '2020-13-01',
      '2020-01-00',
      '12345-01-01',
      '2020/01/01',
      '2020-01',
      '',
    ])
      assert.throws(
        () => read(text),
        (e: unknown) =>
          e instanceof SqlRuntimeError && e.message.startsWith(`Error converting '${text}' to DATE`),
        JSON.stringify(text),
      );
  });
});
