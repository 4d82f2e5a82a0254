import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';

const withConnectors = (list: string) => `'connectors' = '${list.replace(/'/g, "''")}'`;

function ok(sql: string) {
  const r = compileProgram(sql);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors.map((e) => e.message)));
  return r;
}

function errors(sql: string) {
  const r = compileProgram(sql);
  assert.ok(!r.ok, 'expected compile errors');
  return r.errors.filter((e) => !e.warning);
}

const GEN = '{"transport": {"name": "datagen", "config": {"plan": [{"limit": 1}]}}}';
const named = (name: string) => `{"name": "${name}", "transport": {"name": "empty_input"}}`;

describe('connector names and checks (Feldera pipeline manager rules)', () => {
  test("unnamed connectors are numbered by their position among their relation's connectors", () => {
    const r = ok(`CREATE TABLE "T" (id INT) WITH (${withConnectors(`[${GEN}, ${named('x')}, ${GEN}]`)});
CREATE TABLE u (id INT) WITH (${withConnectors(`[${GEN}]`)});`);
    if (!r.ok) return;
    assert.deepEqual(
      r.program.connectors.map((c) => [c.endpoint, c.name, c.relation, c.config.stream]),
      [
        ['T.unnamed-0', 'unnamed-0', 'T', '"T"'],
        ['T.x', 'x', 'T', '"T"'],
        ['T.unnamed-2', 'unnamed-2', 'T', '"T"'],
        ['u.unnamed-0', 'unnamed-0', 'u', 'u'],
      ],
    );
  });

  test('names must be unique per relation and made of [a-zA-Z0-9_-]', () => {
    const [dup] = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors(`[${named('a')}, ${named('a')}]`)});`,
    );
    assert.match(dup!.message, /'t\.a' is not unique/);
    const [collide] = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors(`[${GEN}, ${named('unnamed-0')}]`)});`,
    );
    assert.match(collide!.message, /'t\.unnamed-0' is not unique/);
    const [bad] = errors(`CREATE TABLE t (id INT) WITH (${withConnectors(`[${named('a.b')}]`)});`);
    assert.match(bad!.message, /connector name "a\.b" is not valid/);
    const [long] = errors(`CREATE TABLE t (id INT) WITH (${withConnectors(`[${named('x'.repeat(101))}]`)});`);
    assert.match(long!.message, /1 to 100 characters/);
  });

  test('the property must be a JSON list; an error inside it points into the literal', () => {
    const [json] = errors(`CREATE TABLE t (id INT) WITH ('connectors' = '[
  {"transport": {"name": "datagen"},}
]');`);
    assert.match(json!.message, /property 'connectors' is not valid JSON/);
    assert.equal(json!.start_line_number, 2);
    const [list] = errors(`CREATE TABLE t (id INT) WITH (${withConnectors(GEN)});`);
    assert.match(list!.message, /must be a JSON list of connectors/);
  });

  test('directions and transports: outputs on views, inputs on tables, nothing on LOCAL views', () => {
    const [onTable] = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors('[{"transport": {"name": "null_output"}}]')});`,
    );
    assert.match(
      onTable!.message,
      /expected an input variant but got an output variant for connector 't\.unnamed-0'/,
    );
    const [unknown] = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors('[{"transport": {"name": "carrier_pigeon"}}]')});`,
    );
    assert.match(unknown!.message, /'carrier_pigeon', which is not a transport Feldera or Sluice knows/);
    const [local] = errors(`CREATE TABLE t (id INT);
CREATE LOCAL VIEW v WITH (${withConnectors('[{"transport": {"name": "null_output"}}]')}) AS SELECT * FROM t;`);
    assert.match(local!.message, /view 'v' is LOCAL, so it cannot have output connectors/);
    const [delta] = errors(`CREATE TABLE t (id INT);
CREATE VIEW v WITH (${withConnectors('[{"transport": {"name": "delta_table_output", "config": {}}}]')}) AS SELECT * FROM t;`);
    assert.match(
      delta!.message,
      /'delta_table_output', which Sluice does not run .* read this view over HTTP \(\/egress\) instead/,
    );
  });

  test('file connectors: settings are checked at the connector; output options Sluice does not honour are refused', () => {
    const [relative] = errors(`CREATE TABLE t (id INT);
CREATE VIEW v WITH (${withConnectors('[{"transport": {"name": "file_output", "config": {"path": "x.json"}}, "format": {"name": "json"}}]')}) AS SELECT * FROM t;`);
    assert.match(relative!.message, /connector 'v\.unnamed-0' \(file_output\): 'path' "x\.json" is relative/);
    const [snapshot] = errors(`CREATE TABLE t (id INT);
CREATE VIEW v WITH (${withConnectors('[{"transport": {"name": "file_output", "config": {"path": "/tmp/x.json"}}, "format": {"name": "json"}, "send_snapshot": true}]')}) AS SELECT * FROM t;`);
    assert.match(snapshot!.message, /'send_snapshot' is not supported by Sluice/);
    const [input] = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors('[{"transport": {"name": "file_input", "config": {"path": "/tmp/x.csv"}}}]')});`,
    );
    assert.match(input!.message, /\(file_input\): a file connector needs a 'format'/);
  });

  test('generic attributes are checked; keys Feldera does not know are a warning', () => {
    const r = ok(
      `CREATE TABLE t (id INT) WITH (${withConnectors('[{"transport": {"name": "empty_input"}, "colour": "red", "max_batch_size": 10}]')});`,
    );
    assert.match(r.ok ? (r.warnings[0]?.message ?? '') : '', /unknown key 'colour' is ignored/);
    const [paused] = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors('[{"transport": {"name": "empty_input"}, "paused": "yes"}]')});`,
    );
    assert.match(paused!.message, /'paused' must be true or false/);
    const [queued] = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors('[{"transport": {"name": "empty_input"}, "max_queued_records": -1}]')});`,
    );
    assert.match(queued!.message, /'max_queued_records' must be a non-negative integer/);
  });

  test("an output's buffer settings (Feldera's OutputBufferConfig) are checked and kept", () => {
    const view = (extra: string) =>
      `CREATE TABLE t (id INT);
CREATE VIEW v WITH (${withConnectors(`[{"transport": {"name": "null_output"}${extra}}]`)}) AS SELECT * FROM t;`;
    const r = ok(view(', "enable_output_buffer": true, "max_output_buffer_time_millis": 250'));
    assert.deepEqual(r.ok ? r.program.connectors[0]!.outputBuffer : null, {
      maxTimeMillis: 250,
      maxSizeRecords: 10_000_000,
    });
    const sized = ok(view(', "enable_output_buffer": true, "max_output_buffer_size_records": 0'));
    assert.deepEqual(sized.ok ? sized.program.connectors[0]!.outputBuffer : null, {
      maxTimeMillis: null,
      maxSizeRecords: 0,
    });
    const [noLimit] = errors(view(', "enable_output_buffer": true'));
    assert.match(
      noLimit!.message,
      /connector 'v\.unnamed-0': when the 'enable_output_buffer' flag is set, one of 'max_output_buffer_size_records' and 'max_output_buffer_time_millis' settings must be specified/,
    );
    const [flag] = errors(view(', "enable_output_buffer": "yes", "max_output_buffer_time_millis": 1'));
    assert.match(flag!.message, /'enable_output_buffer' must be true or false/);
    const [time] = errors(view(', "enable_output_buffer": true, "max_output_buffer_time_millis": 1.5'));
    assert.match(time!.message, /'max_output_buffer_time_millis' must be a non-negative integer, got 1\.5/);
    const [size] = errors(view(', "enable_output_buffer": true, "max_output_buffer_size_records": -1'));
    assert.match(size!.message, /'max_output_buffer_size_records' must be a non-negative integer/);
    const unbuffered = ok(view(', "max_output_buffer_size_records": 5'));
    if (!unbuffered.ok) return;
    assert.equal(
      unbuffered.program.connectors[0]!.outputBuffer,
      null,
      'a limit without the flag buffers nothing',
    );
    assert.match(
      unbuffered.warnings[0]?.message ?? '',
      /'max_output_buffer_size_records' requires "enable_output_buffer": true; without it the connector is not buffered/,
    );
  });

  test('start_after must name existing labels and must not wait in a cycle', () => {
    const cycle = errors(
      `CREATE TABLE t (id INT) WITH (${withConnectors(`[
  {"name": "a", "labels": ["A"], "start_after": ["B"], "transport": {"name": "empty_input"}},
  {"name": "b", "labels": ["B"], "start_after": ["A"], "transport": {"name": "empty_input"}}
]`)});`,
    );
    assert.ok(
      cycle.some((e) => /connectors wait for each other in a cycle: t\.a -> t\.b -> t\.a/.test(e.message)),
      JSON.stringify(cycle.map((e) => e.message)),
    );
    ok(
      `CREATE TABLE t (id INT) WITH (${withConnectors(`[
  {"name": "a", "labels": ["A"], "transport": {"name": "empty_input"}},
  {"name": "b", "start_after": ["A"], "transport": {"name": "empty_input"}}
]`)});`,
    );
  });
});
