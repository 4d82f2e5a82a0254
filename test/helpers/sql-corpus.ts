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
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileProgram, makeRowJsonEncoder } from '../../src/engine/index.js';
import { Decimal } from '../../src/engine/values/decimal.js';
import { JsonNumberText } from '../../src/engine/values/json-number.js';
import { type JsonTree, parseJsonText } from '../../src/engine/values/json-text.js';

export type Verdict = 'right' | 'wrong' | 'refused' | 'other';

export interface CorpusCase {
  file: string;
  name: string;
  /** Statements other than INSERT, in order. */
  program: string;
  inserts: string[];
  /** Expected rows as JSON texts, or null when an error is expected. */
  expected: string[] | null;
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
    const marker = /^-- expect( error|:)\s*$/m.exec(body);
    if (!marker) throw new Error(`${file}: case '${name}' has no '-- expect:' or '-- expect error' line`);
    const sql = statements(body.slice(0, marker.index));
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
      program: sql.filter((s) => !/^INSERT\b/i.test(s)).join(';\n'),
      inserts: sql.filter((s) => /^INSERT\b/i.test(s)),
      expected,
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
  try {
    const circuit = compiled.program.instantiate();
    for (const insert of c.inserts) circuit.query(insert);
    // The current time is the step's NOW().
    for (const { row, weight } of circuit.step(Date.now()).get(view.name) ?? []) {
      const key = encode(row);
      contents.set(key, (contents.get(key) ?? 0) + weight);
    }
  } catch (err) {
    if (c.expected === null) return result('right');
    return result('wrong', `failed at run time: ${(err as Error).message}`);
  }
  if (c.expected === null) return result('wrong', 'ran, but Feldera rejects this program');
  const actual = [...contents].flatMap(([row, n]) => Array.from({ length: Math.max(0, n) }, () => row));
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
