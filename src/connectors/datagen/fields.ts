/**
 * The value generator of one column: a function of the record's index in its plan and the
 * record's random draws (random.ts), returning the value in Feldera's JSON encoding (numbers,
 * strings, booleans, null; bigint for BIGINT), which generator.ts then reads exactly as an
 * ingested JSON record is read.
 *
 * Semantics follow Feldera 0.312's datagen (connectors/datagen.md and its generator,
 * crates/adapters/src/transport/datagen.rs):
 * - `increment` gives `(index * scale) % width` from the start of the range (integers wrap
 *   at the type's maximum without a range); strings are the scaled index as text; booleans
 *   alternate; dates step by days, times and timestamps by milliseconds.
 * - `uniform` draws from `[start, end)` (the type's whole range without one) and multiplies
 *   by `scale`; strings get a random alphanumeric text whose length is drawn from the range
 *   (default `[0, 25)`).
 * - `zipf` draws `start + k - 1` with `k` Zipf-distributed over the width of the range, with
 *   exponent `e`; for strings `k - 1` is the length.
 * - `values` picks from the list instead: by index (`increment`), uniformly, or Zipf-ranked.
 *   An empty list gives NULL, as Feldera's reference says.
 * - `null_percentage` makes the value NULL that percent of the time.
 * - Any other strategy makes fake strings (fake.ts) and applies to string columns only.
 * Where Feldera's code and its reference disagree, the reference wins: a uniform TIMESTAMP is
 * drawn from the range (the code adds the range's start twice), and a Zipf TIME starts at the
 * range's start (the code ignores it).
 */
import { parseJsonValue, ValueError } from '../../engine/values/index.js';
import { typeToSql } from '../../engine/values/types.js';
import type { ColumnInfo } from '../../sql/catalog.js';
import type { RecordRandom } from './random.js';
import { Zipf } from './random.js';
import { DatagenConfigError, type FieldSettings, NUMERIC_STRATEGIES, type Strategy } from './settings.js';

/** A generated value in JSON form. */
export type JsonScalar = null | boolean | number | bigint | string;

export type FieldGenerator = (index: number, random: RecordRandom) => JsonScalar;

/** Makes a fake string of `strategy`; `min`/`max` are the field's range (counts, lengths). */
export type FakeStrings = (strategy: Strategy, min: number, max: number, random: RecordRandom) => string;

const MS_PER_DAY = 86_400_000;
/** 2100-01-01, Feldera's default end of DATE and TIMESTAMP ranges. */
const DEFAULT_MAX_DAYS = 54_787;
const DEFAULT_MAX_TIMESTAMP_MS = 4_102_444_800_000;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const INTEGER_BOUNDS: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INTEGER: [-2147483648n, 2147483647n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
};

class FieldContext {
  constructor(
    readonly column: ColumnInfo,
    readonly settings: FieldSettings,
  ) {}

  fail(message: string): never {
    throw new DatagenConfigError(`field '${this.column.name}': ${message}`);
  }

  invalidStrategy(): never {
    return this.fail(
      `invalid strategy '${this.settings.strategy}' for type ${typeToSql({ ...this.column.type, nullable: true })}`,
    );
  }

  /** `index * scale % width`, exact whatever the magnitudes. */
  step(index: number, width: bigint): bigint {
    return (BigInt(index) * BigInt(this.settings.scale)) % width;
  }

  /** The range as two integers, or null. */
  intRange(): [bigint, bigint] | null {
    const r = this.settings.range;
    if (r === null) return null;
    if (!r.every((v) => typeof v === 'number' && Number.isSafeInteger(v)))
      this.fail(`range values must be integers, got ${JSON.stringify(r)}`);
    return [BigInt(r[0] as number), BigInt(r[1] as number)];
  }

  /** The range as two integers or two strings read by `parse` (which returns undefined when invalid). */
  mixedRange(parse: (text: string) => number | undefined, what: string): [number, number] | null {
    const r = this.settings.range;
    if (r === null) return null;
    if (r.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) return r as [number, number];
    if (r.every((v) => typeof v === 'string')) {
      const out = r.map((v) => parse(v as string));
      if (out[0] === undefined) this.fail(`invalid min ${what} range ${JSON.stringify(r[0])}`);
      if (out[1] === undefined) this.fail(`invalid max ${what} range ${JSON.stringify(r[1])}`);
      return out as [number, number];
    }
    return this.fail(`range values must be integers or strings, got ${JSON.stringify(r)}`);
  }

  zipf(n: number | bigint): Zipf {
    try {
      return new Zipf(Number(n), this.settings.e);
    } catch (err) {
      return this.fail((err as Error).message);
    }
  }
}

/** Picks from `values` by the strategy; every value must be one the column accepts. */
function fromValues(ctx: FieldContext, values: unknown[]): FieldGenerator {
  values.forEach((v, i) => {
    try {
      parseJsonValue({ ...ctx.column.type, nullable: true }, v);
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      ctx.fail(`invalid value ${JSON.stringify(v)?.slice(0, 100)} at values[${i}]: ${err.message}`);
    }
  });
  if (values.length === 0) return () => null;
  const list = values as JsonScalar[];
  switch (ctx.settings.strategy) {
    case 'increment':
      return (index) => list[index % list.length]!;
    case 'uniform':
      return (_index, random) => list[random.int(0, list.length - 1)]!;
    case 'zipf': {
      const zipf = ctx.zipf(list.length);
      return (_index, random) => list[zipf.sample(random) - 1]!;
    }
    default:
      return ctx.invalidStrategy();
  }
}

function integers(ctx: FieldContext, type: string): FieldGenerator {
  const [typeMin, typeMax] = INTEGER_BOUNDS[type]!;
  const range = ctx.intRange();
  if (range && range[0] > range[1]) ctx.fail('invalid range, min > max');
  if (range && range[0] === range[1] && ctx.settings.strategy !== 'zipf') ctx.fail('empty range, min >= max');
  const scale = BigInt(ctx.settings.scale);
  let gen: (index: number, random: RecordRandom) => bigint;
  switch (ctx.settings.strategy) {
    case 'increment':
      gen = range
        ? (index) => range[0] + ctx.step(index, range[1] - range[0])
        : (index) => ctx.step(index, typeMax);
      break;
    case 'uniform': {
      const [lo, hi] = range ? [range[0], range[1] - 1n] : [typeMin, typeMax - 1n];
      gen = (_index, random) => random.bigint(lo, hi) * scale;
      break;
    }
    case 'zipf': {
      const start = range ? range[0] : 0n;
      const zipf = ctx.zipf(range ? range[1] - range[0] : typeMax);
      gen = (_index, random) => start + BigInt(zipf.sample(random) - 1);
      break;
    }
    default:
      return ctx.invalidStrategy();
  }
  return type === 'BIGINT' ? gen : (index, random) => Number(gen(index, random));
}

function reals(ctx: FieldContext): FieldGenerator {
  const r = ctx.settings.range;
  if (r && !r.every((v) => typeof v === 'number'))
    ctx.fail(`range values must be numbers, got ${JSON.stringify(r)}`);
  const range = r as [number, number] | null;
  if (range && range[0] > range[1]) ctx.fail('invalid range, min > max');
  const scale = ctx.settings.scale;
  switch (ctx.settings.strategy) {
    case 'increment':
      if (!range) return (index) => index * scale;
      if (range[0] === range[1]) ctx.fail('empty range, min >= max');
      return (index) => range[0] + ((index * scale) % (range[1] - range[0]));
    case 'uniform':
      return range
        ? (_index, random) => (range[0] + random.float() * (range[1] - range[0])) * scale
        : (_index, random) => (random.float() * 2 - 1) * Number.MAX_VALUE * scale;
    case 'zipf': {
      const start = range ? range[0] : 0;
      const zipf = ctx.zipf(range ? Math.floor(range[1] - range[0]) : 2 ** 64);
      return (_index, random) => start + zipf.sample(random) - 1;
    }
    default:
      return ctx.invalidStrategy();
  }
}

function strings(ctx: FieldContext, fake: FakeStrings | null): FieldGenerator {
  const range = ctx.intRange();
  // Feldera reads the bounds as unsigned, falling back to the default for a negative one.
  const min = range && range[0] >= 0n ? Number(range[0]) : 0;
  const max = range && range[1] >= 0n ? Number(range[1]) : 25;
  if (min >= max) ctx.fail('empty range, min >= max');
  const { strategy } = ctx.settings;
  const alphanumeric = (length: number, random: RecordRandom) => {
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHANUMERIC[random.int(0, ALPHANUMERIC.length - 1)];
    return s;
  };
  switch (strategy) {
    case 'increment':
      return (index) => String(BigInt(index) * BigInt(ctx.settings.scale));
    case 'uniform':
      return (_index, random) => alphanumeric(random.int(min, max - 1), random);
    case 'zipf': {
      const zipf = ctx.zipf(max);
      return (_index, random) => alphanumeric(zipf.sample(random) - 1, random);
    }
    default:
      return (_index, random) => {
        if (!fake) throw new Error('fake strings were not loaded');
        return fake(strategy, min, max, random);
      };
  }
}

/**
 * Dates, times and timestamps: integers (days, milliseconds) in `[min, max)`, formatted.
 * `wrap`: a time of day wraps around midnight, as chrono's `NaiveTime` arithmetic does.
 */
function temporal(
  ctx: FieldContext,
  bounds: [number, number],
  range: [number, number] | null,
  format: (n: number) => string,
  wrap: number | null,
): FieldGenerator {
  const [min, max] = range ?? bounds;
  if (min >= max) ctx.fail('empty range, min >= max');
  const width = BigInt(max - min);
  const scale = ctx.settings.scale;
  const out = (n: number) => format(wrap === null ? n : ((n % wrap) + wrap) % wrap);
  switch (ctx.settings.strategy) {
    case 'increment':
      return (index) => out(min + Number(ctx.step(index, width)));
    case 'uniform':
      return (_index, random) => out(random.int(min, max - 1) * scale);
    case 'zipf': {
      const zipf = ctx.zipf(max - min);
      return (_index, random) => out(min + zipf.sample(random) - 1);
    }
    default:
      return ctx.invalidStrategy();
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of days since 1970-01-01 (years outside 1..9999 fail when read, as they should). */
export function formatDays(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** `HH:MM:SS[.fff]` of milliseconds since midnight. */
export function formatTimeMs(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = ms % 1000;
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${frac ? `.${pad(frac, 3)}` : ''}`;
}

/** `YYYY-MM-DD HH:MM:SS[.fff]` of milliseconds since 1970-01-01 00:00:00. */
export function formatTimestampMs(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (Number.isNaN(ms)) return iso;
  return `${iso.slice(0, 10)} ${formatTimeMs(((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY)}`;
}

function parseDays(text: string): number | undefined {
  const m = /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  date.setUTCFullYear(Number(m[1]));
  if (date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3])) return undefined;
  return Math.round(date.getTime() / MS_PER_DAY);
}

function parseTimeOfDay(text: string): number | undefined {
  const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

function parseRfc3339(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

function booleans(ctx: FieldContext): FieldGenerator {
  switch (ctx.settings.strategy) {
    case 'increment':
      return (index) => index % 2 === 1;
    case 'uniform':
      return (_index, random) => random.bool();
    case 'zipf': {
      const zipf = ctx.zipf(2);
      return (_index, random) => zipf.sample(random) === 1;
    }
    default:
      return ctx.invalidStrategy();
  }
}

function byType(ctx: FieldContext, fake: FakeStrings | null): FieldGenerator {
  const type = ctx.column.type.type;
  switch (type) {
    case 'BOOLEAN':
      return booleans(ctx);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT':
      return integers(ctx, type);
    case 'REAL':
    case 'DOUBLE':
    case 'DECIMAL':
      return reals(ctx);
    case 'CHAR':
    case 'VARCHAR':
      return strings(ctx, fake);
    case 'DATE':
      return temporal(ctx, [0, DEFAULT_MAX_DAYS], ctx.mixedRange(parseDays, 'date'), formatDays, null);
    case 'TIME': {
      const range = ctx.mixedRange(parseTimeOfDay, 'time');
      if (range && (range[0] < 0 || range[1] < 0)) ctx.fail('range must be positive');
      return temporal(ctx, [0, MS_PER_DAY], range, formatTimeMs, MS_PER_DAY);
    }
    case 'TIMESTAMP':
      return temporal(
        ctx,
        [0, DEFAULT_MAX_TIMESTAMP_MS],
        ctx.mixedRange(parseRfc3339, 'datetime'),
        formatTimestampMs,
        null,
      );
    default:
      return ctx.fail(`datagen cannot generate values of type ${typeToSql(ctx.column.type)} yet`);
  }
}

/**
 * The generator of `column` with `settings`; throws `DatagenConfigError` when the settings do
 * not fit the column. `fake` makes fake strings (null when only checking the settings).
 */
export function fieldGenerator(
  column: ColumnInfo,
  settings: FieldSettings,
  fake: FakeStrings | null,
): FieldGenerator {
  const ctx = new FieldContext(column, settings);
  const isString = column.type.type === 'CHAR' || column.type.type === 'VARCHAR';
  if (!NUMERIC_STRATEGIES.has(settings.strategy) && !isString) ctx.invalidStrategy();
  const core =
    settings.values !== null && NUMERIC_STRATEGIES.has(settings.strategy)
      ? fromValues(ctx, settings.values)
      : byType(ctx, fake);
  const percent = settings.nullPercentage;
  if (percent === null) return core;
  return (index, random) => (random.int(1, 100) <= percent ? null : core(index, random));
}
