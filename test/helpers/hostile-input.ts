/**
 * Generated ingress bodies for property tests of the JSON and CSV readers: random valid
 * records of one table, then mutations of chosen records (truncation, a key given twice, wrong
 * types, invalid UTF-8, numbers out of range, NaN literals, deep nesting, both insert and
 * delete, ...). Each case knows its oracle: the rows the table must hold if the body is
 * accepted, or the 1-based record the 400 must name if it is refused (the first bad one).
 */
import fc from 'fast-check';
import { formatDate } from '../../src/engine/values/datetime.js';
import type { Value } from '../../src/engine/values/value.js';

export const TABLE = 'p';
export const TABLE_SQL = `CREATE TABLE p (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR, score DOUBLE, amount DECIMAL(10, 2), flag BOOLEAN, day DATE, n INT) WITH ('materialized' = 'true');`;

/** One row, as the text of its values would be read back. */
export interface Rec {
  id: bigint;
  name: string | null;
  score: number | null;
  amount: string | null;
  flag: boolean | null;
  day: string | null;
  n: number | null;
}

const JSON_KINDS = [
  'truncate',
  'duplicateKey',
  'duplicateKeyOtherCase',
  'wrongType',
  'invalidUtf8',
  'hugeNumber',
  'nonFiniteLiteral',
  'deepNesting',
  'insertAndDelete',
  'loneSurrogate',
  'unknownColumn',
  'missingId',
] as const;
const CSV_KINDS = [
  'truncate',
  'wrongType',
  'invalidUtf8',
  'hugeNumber',
  'extraField',
  'unterminatedQuote',
] as const;
export type MutationKind = (typeof JSON_KINDS)[number] | (typeof CSV_KINDS)[number];

export interface Mutation {
  /** 0-based index of the record it spoils. */
  at: number;
  kind: MutationKind;
  /** Picks among the variants of the kind. */
  variant: number;
}

export interface Case {
  format: 'json' | 'csv';
  updateFormat: 'insert_delete' | 'raw';
  array: boolean;
  records: Rec[];
  mutations: Mutation[];
  bom: boolean;
  garbageAtEnd: boolean;
}

/** What a case must do: be accepted with `records`, or be refused naming `record`. */
export interface Encoded {
  body: Buffer;
  refusedAt: number | null;
}

/** Stands for invalid bytes in a string until the body becomes bytes; never generated. */
const MARK = '\ue000BAD\ue000';
const BAD_BYTES = [
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0xf4, 0x90, 0x80, 0x80],
];

const dayText = (d: number) => formatDate(d);

function amountText(cents: bigint): string {
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

function recArb(format: 'json' | 'csv', ids: bigint[]): fc.Arbitrary<Rec[]> {
  const name = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\ue000'));
  const score =
    format === 'csv'
      ? fc.double()
      : fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .map((d) => JSON.parse(JSON.stringify(d)) as number);
  const one = fc.record({
    name: format === 'csv' ? name : fc.option(name, { nil: null }),
    score: fc.option(score, { nil: null }),
    amount: fc.option(fc.bigInt({ min: -(10n ** 10n) + 1n, max: 10n ** 10n - 1n }).map(amountText), {
      nil: null,
    }),
    flag: fc.option(fc.boolean(), { nil: null }),
    day: fc.option(fc.integer({ min: 0, max: 60_000 }).map(dayText), { nil: null }),
    n: fc.option(fc.integer({ min: -2147483648, max: 2147483647 }), { nil: null }),
  });
  return fc.tuple(...ids.map(() => one)).map((recs) => recs.map((r, i) => ({ id: ids[i]!, ...r })));
}

const idArb = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 120n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
);

/** A case: valid records of `format`, and (with `hostile`) some of them spoiled. */
export function caseArb(format: 'json' | 'csv', hostile: boolean): fc.Arbitrary<Case> {
  const kinds = format === 'json' ? JSON_KINDS : CSV_KINDS;
  return fc
    .record({
      ids: fc.uniqueArray(idArb, { minLength: 1, maxLength: 12 }),
      updateFormat: fc.constantFrom('insert_delete' as const, 'raw' as const),
      array: format === 'json' ? fc.boolean() : fc.constant(false),
      bom: hostile ? fc.integer({ min: 0, max: 9 }).map((x) => x < 2) : fc.constant(false),
      garbageAtEnd: hostile ? fc.integer({ min: 0, max: 9 }).map((x) => x < 2) : fc.constant(false),
      picks: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom(...kinds), variant: fc.nat() }), {
        minLength: hostile ? 1 : 0,
        maxLength: hostile ? 3 : 0,
      }),
    })
    .chain(({ ids, picks, ...rest }) =>
      recArb(format, ids).map((records) => {
        const byAt = new Map<number, Mutation>();
        for (const p of picks) byAt.set(p.at % records.length, { ...p, at: p.at % records.length });
        const mutations = [...byAt.values()].sort((a, b) => a.at - b.at);
        // A truncation (or an unclosed quote) ends the body: only the last spoiled record may have one.
        for (const m of mutations.slice(0, -1))
          if (m.kind === 'truncate' || m.kind === 'unterminatedQuote') m.kind = 'wrongType';
        const last = mutations.at(-1);
        const cut = last?.kind === 'truncate' || last?.kind === 'unterminatedQuote';
        return { format, ...rest, records, mutations, garbageAtEnd: rest.garbageAtEnd && !cut };
      }),
    );
}

function jsonEntries(r: Rec): Array<[string, string]> {
  const j = (v: unknown) => (v === null ? 'null' : JSON.stringify(v));
  return [
    ['id', String(r.id)],
    ['name', j(r.name)],
    ['score', j(r.score)],
    ['amount', r.amount === null ? 'null' : r.amount],
    ['flag', j(r.flag)],
    ['day', j(r.day)],
    ['n', j(r.n)],
  ];
}

const COLUMNS = ['id', 'name', 'score', 'amount', 'flag', 'day', 'n'];
const JSON_WRONG: Record<string, string[]> = {
  id: ['"5"', 'true', '{}', '[]', '1.5', '1e2'],
  name: ['5', 'true', '[]', '{"a": 1}'],
  score: ['"1.5"', 'true', '"NaN"'],
  amount: ['true', '{}', '"x"'],
  flag: ['1', '"true"', '0'],
  day: ['5', '"2024-13-45"', '"not a date"'],
  n: ['"7"', '1.5', 'false'],
};
const JSON_HUGE: Array<[string, string]> = [
  ['score', '1e309'],
  ['score', '-1e400'],
  ['id', '99999999999999999999'],
  ['n', '2147483648'],
  ['amount', '1e400'],
  ['amount', '123456789012'],
];
const CSV_WRONG: Array<[number, string]> = [
  [0, 'abc'],
  [0, '1.5'],
  [2, '1.2.3'],
  [2, 'nan5'],
  [3, 'x1'],
  [4, 'maybe'],
  [5, '2024-13-45'],
  [6, '1.5'],
  [6, '1e2'],
];
const CSV_HUGE: Array<[number, string]> = [
  [2, '1e309'],
  [0, '99999999999999999999'],
  [6, '2147483648'],
  [3, '123456789012'],
];

function spoilJson(
  entries: Array<[string, string]>,
  m: Mutation,
): { entries: Array<[string, string]>; extra?: string } {
  const v = m.variant;
  const set = (key: string, value: string) =>
    entries.map(([k, x]): [string, string] => [k, k === key ? value : x]);
  switch (m.kind) {
    case 'duplicateKey': {
      const [k, x] = entries[v % entries.length]!;
      const out = [...entries];
      out.splice(v % (out.length + 1), 0, [k, x]);
      return { entries: out };
    }
    case 'duplicateKeyOtherCase': {
      const [k, x] = entries[v % entries.length]!;
      return { entries: [...entries, [k.toUpperCase(), x]] };
    }
    case 'wrongType': {
      const col = COLUMNS[v % COLUMNS.length]!;
      const wrong = JSON_WRONG[col]!;
      return { entries: set(col, wrong[Math.floor(v / COLUMNS.length) % wrong.length]!) };
    }
    case 'invalidUtf8':
      return { entries: set('name', JSON.stringify(`a${MARK}b`)) };
    case 'hugeNumber': {
      const [col, text] = JSON_HUGE[v % JSON_HUGE.length]!;
      return { entries: set(col, text) };
    }
    case 'nonFiniteLiteral':
      return { entries: set('score', ['NaN', 'Infinity', '-Infinity'][v % 3]!) };
    case 'deepNesting': {
      const d = 65 + (v % 400);
      return { entries: set(COLUMNS[v % COLUMNS.length]!, `${'['.repeat(d)}${']'.repeat(d)}`) };
    }
    case 'loneSurrogate':
      return { entries: set('name', ['"\\ud800x"', '"x\\udfff"', '"\\udbff\\u0041"'][v % 3]!) };
    case 'unknownColumn':
      return { entries: [...entries, [['nope', 'i d', 'names'][v % 3]!, '1']] };
    case 'missingId':
      return { entries: entries.filter(([k]) => k !== 'id') };
    case 'insertAndDelete':
      return { entries, extra: `"delete": {"id": ${entries[0]?.[1] ?? 0}}` };
    default:
      return { entries };
  }
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvFloat(v: number | null): string {
  if (v === null) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

function csvFields(r: Rec): string[] {
  return [
    String(r.id),
    csvField(r.name ?? ''),
    csvFloat(r.score),
    r.amount ?? '',
    r.flag === null ? '' : String(r.flag),
    r.day ?? '',
    r.n === null ? '' : String(r.n),
  ];
}

/** The body of a case, and what it must do. */
export function encodeCase(c: Case): Encoded {
  const spoiled = new Map(c.mutations.map((m) => [m.at, m]));
  const texts = c.records.map((r, i) => {
    const m = spoiled.get(i);
    if (c.format === 'csv') {
      const fields = csvFields(r);
      if (m?.kind === 'wrongType') {
        const [col, text] = CSV_WRONG[m.variant % CSV_WRONG.length]!;
        fields[col] = text;
      } else if (m?.kind === 'hugeNumber') {
        const [col, text] = CSV_HUGE[m.variant % CSV_HUGE.length]!;
        fields[col] = text;
      } else if (m?.kind === 'invalidUtf8') fields[1] = `a${MARK}b`;
      else if (m?.kind === 'extraField') fields.push('1');
      else if (m?.kind === 'unterminatedQuote') fields[1] = `"open${'x'.repeat(m.variant % 5)}`;
      return { text: fields.join(','), lastField: fields.join(',').length - fields.at(-1)!.length };
    }
    const { entries, extra } = m ? spoilJson(jsonEntries(r), m) : { entries: jsonEntries(r) };
    const row = `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`;
    if (c.updateFormat === 'raw') {
      const text = extra ? `${row.slice(0, -1)}, ${extra}}` : row;
      return { text, lastField: 0 };
    }
    return { text: `{"insert": ${row}${extra ? `, ${extra}` : ''}}`, lastField: 0 };
  });
  let body = c.array ? '[' : '';
  const sep = c.array ? ',\n' : '\n';
  let ended = false;
  texts.forEach(({ text, lastField }, i) => {
    if (ended) return;
    const m = spoiled.get(i);
    if (m?.kind === 'truncate') {
      // Strictly inside the record (CSV: before its last field), and nothing after it.
      const room = c.format === 'csv' ? lastField - 1 : text.length - 1;
      body += (i > 0 ? sep : '') + text.slice(0, 1 + (m.variant % Math.max(1, room)));
      ended = true;
      return;
    }
    body += (i > 0 ? sep : '') + text;
    if (m?.kind === 'unterminatedQuote') ended = true;
  });
  if (!ended) body += c.array ? ']\n' : '\n';
  if (c.garbageAtEnd) body += ' xyz\n';
  if (c.bom) body = `\ufeff${body}`;

  const badVariants = c.mutations.filter((m) => m.kind === 'invalidUtf8').map((m) => m.variant);
  const bytes: Buffer[] = [];
  body.split(MARK).forEach((part, i) => {
    if (i > 0) bytes.push(Buffer.from(BAD_BYTES[(badVariants[i - 1] ?? 0) % BAD_BYTES.length]!));
    bytes.push(Buffer.from(part, 'utf8'));
  });

  let refusedAt: number | null = null;
  if (c.mutations.length > 0) refusedAt = c.mutations[0]!.at + 1;
  else if (c.garbageAtEnd) refusedAt = c.records.length + 1;
  if (c.bom) refusedAt = 1;
  return { body: Buffer.concat(bytes), refusedAt };
}

/** `records` applied (as upserts by id) over `table`. */
export function applyRecords(table: Map<string, string>, records: Rec[]): void {
  for (const r of records) table.set(String(r.id), recKey(r));
}

/** A comparable text of a row given as a `Rec`. */
export function recKey(r: Rec): string {
  return JSON.stringify([
    String(r.id),
    r.name,
    r.score === null ? null : String(r.score),
    r.amount,
    r.flag,
    r.day,
    r.n,
  ]);
}

/** The same text for a row of engine values (column order of `TABLE_SQL`). */
export function rowKey(row: readonly Value[]): string {
  const [id, name, score, amount, flag, day, n] = row;
  return JSON.stringify([
    String(id),
    name,
    score === null ? null : String(score),
    amount === null ? null : String(amount),
    flag,
    day === null ? null : formatDate(day as number),
    n,
  ]);
}

/**
 * What a case keeps when its bad records are skipped (HTTP ingress of a newline-delimited
 * body, if the readers could read the whole body): the numbers (1-based) of the records that
 * must be reported bad, and the records to ingest. A cut (`truncate`, `unterminatedQuote`)
 * ends the body inside its record: the records after it are not in the body, and garbage
 * after it joins the cut record.
 */
export function skippingBadRecords(c: Case): { bad: number[]; good: Rec[] } {
  const cut = c.mutations.find((m) => m.kind === 'truncate' || m.kind === 'unterminatedQuote');
  const inBody = cut ? cut.at + 1 : c.records.length;
  const bad = new Set(c.mutations.map((m) => m.at + 1));
  if (c.garbageAtEnd && !cut) bad.add(c.records.length + 1);
  return {
    bad: [...bad].sort((a, b) => a - b),
    good: c.records.slice(0, inBody).filter((_, i) => !bad.has(i + 1)),
  };
}
