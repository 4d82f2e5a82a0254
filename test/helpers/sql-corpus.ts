/**
 * The SQL corpus harness: cases of (DDL, inserts, one view, expected rows) run through the
 * real compiler and engine, each classified as
 * - `right`: the view's rows equal the expected multiset (or an expected error occurred);
 * - `wrong`: it ran and gave other rows, or failed at run time where rows were expected;
 * - `refused`: compilation failed with a clear refusal ("Not yet implemented") naming the
 *   construct at a position;
 * - `other`: any other compile error or crash (a raw parser message, a wrong type error...).
 *
 * A corpus file holds cases separated by `-- case: <name>` lines. After the header come SQL
 * statements: `CREATE TABLE/TYPE` (DDL), `INSERT INTO t VALUES ...` (data, in order) and one
 * `CREATE VIEW` (the view under test, any name). Then either `-- expect:` followed by one JSON
 * object per expected row (in any order; numbers compare by value, so 3017.3 equals 3017.30),
 * or `-- expect error` when Feldera itself rejects the program or fails at run time.
 *
 * Two forms serve corpora converted from Feldera's Python runtime tests (its
 * `python/tests/runtime_aggtest`), which load tables through the JSON ingress and read views
 * through ad-hoc queries:
 * - `-- input <table>: <record>` lines (among the statements) push one `insert_delete` JSON
 *   record through the real ingress decoder, in order with the INSERTs; a record the decoder
 *   rejects makes the case `other`;
 * - `-- expect adhoc:` compares in the JSON form of Feldera's ad-hoc queries (Arrow's), the
 *   form Sluice's `/query?format=json` writes (src/runtime/adhoc/arrow-json.ts): a TIMESTAMP
 *   has a `T` between date and time, binary values are lower-case hexadecimal text, and a
 *   VARIANT is a string holding its JSON text (`"20"`, `"null"`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileProgram, makeRowJsonEncoder } from '../../src/engine/index.js';
import { Decimal } from '../../src/engine/values/decimal.js';
import { JsonNumberText } from '../../src/engine/values/json-number.js';
import { type JsonTree, parseJsonText } from '../../src/engine/values/json-text.js';
import type { Value } from '../../src/engine/values/value.js';
import { makeAdhocRowEncoder } from '../../src/runtime/adhoc/arrow-json.js';
import { decodeIngress } from '../../src/runtime/formats/ingress.js';

export type Verdict = 'right' | 'wrong' | 'refused' | 'other';

export interface CorpusCase {
  file: string;
  name: string;
  /** Statements other than INSERT, in order. */
  program: string;
  /** INSERT statements, and `{table, record}` JSON ingress records, in order. */
  inserts: (string | { table: string; record: string })[];
  /** Expected rows as JSON texts, or null when an error is expected. */
  expected: string[] | null;
  /** Whether expected rows are in the ad-hoc query form (`-- expect adhoc:`). */
  adhoc?: boolean;
}

export interface CaseResult {
  case: CorpusCase;
  verdict: Verdict;
  /** Why, for anything but `right`. */
  detail: string;
}

/** Splits SQL text into statements at `;` outside quotes and comments. */
function statements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end;
      current += sql.slice(i, stop + 1);
      i = stop;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (c === ';') {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** Parses one corpus file. */
export function parseCorpus(file: string, text: string): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const chunk of text.split(/^-- case:/m).slice(1)) {
    const newline = chunk.indexOf('\n');
    const name = chunk.slice(0, newline).trim();
    const body = chunk.slice(newline + 1);
    const marker = /^-- expect( error| adhoc:|:)\s*$/m.exec(body);
    if (!marker) throw new Error(`${file}: case '${name}' has no '-- expect:' or '-- expect error' line`);
    // Statements and `-- input` records, each in its place in the text.
    const inserts: CorpusCase['inserts'] = [];
    const others: string[] = [];
    for (const part of body.slice(0, marker.index).split(/^(-- input [^:\n]+:.*)$/m)) {
      const input = /^-- input ([^:\n]+):(.*)$/.exec(part);
      if (input) inserts.push({ table: input[1]!.trim(), record: input[2]!.trim() });
      else
        for (const stmt of statements(part)) {
          if (/^INSERT\b/i.test(stmt)) inserts.push(stmt);
          else others.push(stmt);
        }
    }
    const expected =
      marker[1] === ' error'
        ? null
        : body
            .slice(marker.index + marker[0].length)
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l !== '' && !l.startsWith('--'));
    cases.push({
      file,
      name,
      program: others.join(';\n'),
      inserts,
      expected,
      adhoc: marker[1] === ' adhoc:',
    });
  }
  return cases;
}

/** Every case of every `.sql` file under `dir`. */
export function loadCorpus(dir: string): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => parseCorpus(f, readFileSync(join(dir, f), 'utf8')));
}

/** A canonical text of a JSON value: object keys sorted, numbers by exact value. */
function canonical(tree: JsonTree): string {
  if (tree instanceof JsonNumberText) return Decimal.parse(tree.text)?.canonical() ?? tree.text;
  if (Array.isArray(tree)) return `[${tree.map(canonical).join(',')}]`;
  if (tree !== null && typeof tree === 'object')
    return `{${Object.keys(tree)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(tree[k]!)}`)
      .join(',')}}`;
  return JSON.stringify(tree);
}

function normalize(rows: string[]): string[] {
  return rows.map((r) => canonical(parseJsonText(r))).sort();
}

/** Runs one case. */
export function runCase(c: CorpusCase): CaseResult {
  const result = (verdict: Verdict, detail = ''): CaseResult => ({ case: c, verdict, detail });
  const compiled = compileProgram(c.program);
  if (!compiled.ok) {
    if (c.expected === null) return result('right');
    const e = compiled.errors[0]!;
    const where = `${e.start_line_number}:${e.start_column}`;
    const text = `${e.error_type} at ${where}: ${e.message}`;
    return result(e.error_type === 'Not yet implemented' ? 'refused' : 'other', text);
  }
  const views = compiled.program.views;
  if (views.length !== 1) return result('other', `expected one output view, found ${views.length}`);
  const view = views[0]!;
  const encode = makeRowJsonEncoder(view.columns);
  const contents = new Map<string, number>();
  const rowsByKey = new Map<string, readonly Value[]>();
  try {
    const circuit = compiled.program.instantiate();
    for (const insert of c.inserts) {
      if (typeof insert === 'string') {
        circuit.query(insert);
        continue;
      }
      const table = compiled.program.tables.find((t) => t.name.toLowerCase() === insert.table.toLowerCase());
      if (!table) return result('other', `input for unknown table ${insert.table}`);
      let rows: ReturnType<typeof decodeIngress>['rows'];
      try {
        rows = decodeIngress(table, insert.record, {
          format: 'json',
          updateFormat: 'insert_delete',
          array: false,
        }).rows;
      } catch (err) {
        return result('other', `input rejected: ${(err as Error).message}`);
      }
      circuit.push(table.name, rows);
    }
    // The current time is the step's NOW().
    for (const { row, weight } of circuit.step(Date.now()).get(view.name) ?? []) {
      const key = encode(row);
      contents.set(key, (contents.get(key) ?? 0) + weight);
      rowsByKey.set(key, row);
    }
  } catch (err) {
    if (c.expected === null) return result('right');
    return result('wrong', `failed at run time: ${(err as Error).message}`);
  }
  if (c.expected === null) return result('wrong', 'ran, but Feldera rejects this program');
  let actual = [...contents].flatMap(([row, n]) => Array.from({ length: Math.max(0, n) }, () => row));
  if (c.adhoc) {
    // The ad-hoc form is what /query?format=json writes (src/runtime/adhoc/arrow-json.ts).
    const adhoc = makeAdhocRowEncoder(view.columns);
    actual = actual.map((key) => adhoc(rowsByKey.get(key)!));
  }
  const [want, got] = [normalize(c.expected), normalize(actual)];
  if (want.length === got.length && want.every((r, i) => r === got[i])) return result('right');
  return result('wrong', `expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(actual.sort())}`);
}

/** Counts of each verdict. */
export function tally(results: CaseResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { right: 0, wrong: 0, refused: 0, other: 0 };
  for (const r of results) counts[r.verdict]++;
  return counts;
}
