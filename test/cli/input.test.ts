import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectFormat, InputError, type PreparedInput, prepareInput } from '../../src/cli/input.js';

const COLUMNS = [{ name: 'id' }, { name: 'name' }];

async function prepare(
  text: string,
  source: string,
  flags: { format?: string; updateFormat?: string } = {},
): Promise<PreparedInput> {
  return prepareInput(Buffer.from(text), source, flags, async () => COLUMNS);
}

async function refused(text: string, source: string, message: RegExp, flags = {}) {
  await assert.rejects(prepare(text, source, flags), (err: Error) => {
    assert.ok(err instanceof InputError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

test('a JSON array of rows is sent as written, with array=true and raw rows', async () => {
  const text = '[{"id": 1, "name": "one"}, {"id": 12345678901234567890, "name": "big"}]\n';
  const p = await prepare(text, 'rows.json');
  assert.equal(p.body, text, 'the body is the file, so big numbers keep their digits');
  assert.deepEqual(p.query, { format: 'json', update_format: 'raw', array: 'true' });
  assert.equal(p.records, 2);
});

test('NDJSON, one object, and change records are recognized', async () => {
  const nd = await prepare('{"id": 1}\n\n{"id": 2}\n', 'rows.ndjson');
  assert.deepEqual([nd.query, nd.records], [{ format: 'json', update_format: 'raw' }, 2]);
  const one = await prepare('{\n  "id": 1,\n  "name": "one"\n}\n', 'row.json');
  assert.deepEqual(
    [one.query, one.records, one.shape],
    [{ format: 'json', update_format: 'raw' }, 1, 'one JSON object, raw rows'],
  );
  const changes = await prepare('{"insert": {"id": 1}}\n{"delete": {"id": 2}}\n', 'changes.json');
  assert.equal(changes.query.update_format, 'insert_delete');
  const weighted = await prepare('[{"weight": 2, "data": {"id": 1}}]', 'w.json');
  assert.equal(weighted.query.update_format, 'weighted');
  const mixed = await prepare('[{"insert": {"id": 1}}, {"id": 2}]', 'mixed.json');
  assert.equal(mixed.query.update_format, 'raw', 'only when every record is a change');
  const forced = await prepare('[{"insert": 1}]', 'x.json', { updateFormat: 'raw' });
  assert.equal(forced.query.update_format, 'raw');
});

test('JSON syntax errors name the line and column', async () => {
  await refused(
    '[\n {"id": 1},\n {"id": 2},,\n]\n',
    'a.json',
    /^a\.json: line 3, column 12: value expected$/,
  );
  await refused('{"id": 1}\n{"id": 2\n{"id": 3}\n', 'b.ndjson', /^b\.ndjson: line 2, column 9: .*NDJSON/);
  await refused('{\n  "id": 1\n  "name": "x"\n}\n', 'c.json', /^c\.json: line 3, column 3: comma expected/);
  await refused('[1, 2]', 'd.json', /element 1 of the array: expected a record/);
  await refused('{"id": 1}\n"text"\n', 'e.ndjson', /line 2: expected a record/);
  await refused('nope', 'f.json', /f\.json: line 1, column 1/);
});

test('empty files, unknown formats and bad flags are refused with what to do', async () => {
  await refused('  \n', 'empty.json', /empty\.json is empty/);
  await refused('1,one\n', 'rows.txt', /cannot tell the format of rows\.txt.*--format csv/);
  await refused('1,one\n', 'rows.txt', /--format must be json or csv/, { format: 'tsv' });
  await refused('[]', 'x.json', /--update-format must be one of/, { updateFormat: 'upsert' });
  await refused('1,one\n', 'x.csv', /--update-format applies to JSON input only/, { updateFormat: 'raw' });
});

test('the format comes from the flag, then the extension, then the first character', () => {
  assert.equal(detectFormat('[1]', 'x.csv'), 'csv');
  assert.equal(detectFormat('1,2', 'x.JSONL'), 'json');
  assert.equal(detectFormat(' {"a": 1}', '<stdin>'), 'json');
  assert.equal(detectFormat('[1]', 'x.json', 'csv'), 'csv');
});

test('CSV without a header is sent as written; with one, columns are put in table order', async () => {
  const plain = await prepare('1,one\n2,"two, too"\n', 'rows.csv');
  assert.equal(plain.body, '1,one\n2,"two, too"\n');
  assert.deepEqual([plain.query, plain.records, plain.shape], [{ format: 'csv' }, 2, 'CSV']);
  const header = await prepare('\uFEFFName,ID\n"one, 1",1\n"two ""2""",2\n', 'rows.csv');
  assert.equal(header.body, '1,"one, 1"\n2,"two ""2"""\n');
  assert.deepEqual([header.records, header.shape], [2, 'CSV with a header']);
  await refused('name\none\n', 'h.csv', /line 1 is a header, but it does not name column\(s\) id/);
  await refused('1,one\n2,"bad"quote\n', 'bad.csv', /^bad\.csv: .*line 2/);
});

test('without the table columns (program not compiled), CSV is sent as written', async () => {
  const p = await prepareInput(Buffer.from('id,name\n1,one\n'), 'r.csv', {}, async () => null);
  assert.equal(p.body, 'id,name\n1,one\n');
});
