/**
 * The configuration of a `datagen` connector (Feldera's `DatagenInputConfig`), read and
 * checked against the table it feeds.
 *
 * Shapes and defaults follow Feldera 0.312 (its OpenAPI `DatagenInputConfig`,
 * `GenerationPlan`, `RngFieldSettings`; connectors/datagen.md): unknown keys are refused (the
 * schemas have `additionalProperties: false`), a `fields` key must name a column of the table
 * (matched by the identifier rule), `rate` 0 means no rate limit, `worker_chunk_size` defaults
 * to `min(rate, 10000)`. Everything that can be checked without generating is checked here, so
 * a bad configuration is a compile error with the connector's position, not a failure at run
 * time; `fields.ts` then checks each field's strategy and range against its column type. The
 * one exception is a `fields` key that names no column: Feldera compiles that program and the
 * pipeline fails to start (its SDK shows "Unable to START the pipeline"), so it is kept in
 * `unknownFields` for the runtime to refuse.
 */
import type { ColumnInfo } from '../../sql/catalog.js';

export const STRATEGIES = [
  'increment',
  'uniform',
  'zipf',
  'word',
  'words',
  'sentence',
  'sentences',
  'paragraph',
  'paragraphs',
  'first_name',
  'last_name',
  'title',
  'suffix',
  'name',
  'name_with_title',
  'domain_suffix',
  'email',
  'username',
  'password',
  'field',
  'position',
  'seniority',
  'job_title',
  'ipv4',
  'ipv6',
  'ip',
  'mac_address',
  'user_agent',
  'rfc_status_code',
  'valid_status_code',
  'company_suffix',
  'company_name',
  'buzzword',
  'buzzword_middle',
  'buzzword_tail',
  'catch_phrase',
  'bs_verb',
  'bs_adj',
  'bs_noun',
  'bs',
  'profession',
  'industry',
  'currency_code',
  'currency_name',
  'currency_symbol',
  'credit_card_number',
  'city_prefix',
  'city_suffix',
  'city_name',
  'country_name',
  'country_code',
  'street_suffix',
  'street_name',
  'time_zone',
  'state_name',
  'state_abbr',
  'secondary_address_type',
  'secondary_address',
  'zip_code',
  'post_code',
  'building_number',
  'latitude',
  'longitude',
  'isbn',
  'isbn13',
  'isbn10',
  'phone_number',
  'cell_number',
  'file_path',
  'file_name',
  'file_extension',
  'dir_path',
] as const;

export type Strategy = (typeof STRATEGIES)[number];

/** Strategies that draw numbers (every other one makes fake strings). */
export const NUMERIC_STRATEGIES: ReadonlySet<Strategy> = new Set(['increment', 'uniform', 'zipf']);

/** How one column's values are made (`RngFieldSettings`). */
export interface FieldSettings {
  strategy: Strategy;
  /** `[start, end)` as given (numbers, or strings for dates and times); null: the type's default. */
  range: [unknown, unknown] | null;
  /** Values to pick from; `range` is then ignored. */
  values: unknown[] | null;
  scale: number;
  /** Percent of records where the value is NULL. */
  nullPercentage: number | null;
  /** The Zipf exponent. */
  e: number;
}

/** One `GenerationPlan`. */
export interface PlanSettings {
  /** Records to generate; null: unlimited. */
  limit: number | null;
  /** Records per second; null: as fast as possible. */
  rate: number | null;
  /** Records per input batch (`worker_chunk_size`). */
  chunk: number;
  /** Field settings by column index; null where the column takes the defaults. */
  fields: Array<FieldSettings | null>;
}

export interface DatagenSettings {
  plans: PlanSettings[];
  /** Fixed seed; null: a random one, chosen when the connector first starts and kept in checkpoints. */
  seed: number | null;
  workers: number;
  /** Records per atomically processed batch; null: no transactions. */
  transactionSize: number | null;
  /**
   * `fields` keys that name no column. Feldera compiles such a program and fails the
   * connector when the pipeline starts, so the compiler only warns and the runtime refuses.
   */
  unknownFields: string[];
}

/** A configuration error; the message names the offending key. */
export class DatagenConfigError extends Error {}

export const DEFAULT_FIELD: FieldSettings = {
  strategy: 'increment',
  range: null,
  values: null,
  scale: 1,
  nullPercentage: null,
  e: 1,
};

const MAX_CHUNK = 10_000;

function fail(message: string): never {
  throw new DatagenConfigError(message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj))
    if (!allowed.includes(key))
      fail(`${where}: unknown key '${key.slice(0, 100)}' (expected one of ${allowed.join(', ')})`);
}

/** A non-negative safe integer (or null/absent when `nullable`). */
function count(value: unknown, where: string, nullable: true): number | null;
function count(value: unknown, where: string, nullable: false): number;
function count(value: unknown, where: string, nullable: boolean): number | null {
  if (value === undefined || (nullable && value === null)) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(`${where} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value;
}

function integer(value: unknown, where: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    fail(`${where} must be an integer, got ${JSON.stringify(value)}`);
  return value;
}

/** Finds the column a `fields` key names: exact, or case-insensitively for unquoted columns. */
function findColumn(columns: readonly ColumnInfo[], key: string): number {
  const exact = columns.findIndex((c) => c.name === key);
  if (exact >= 0) return exact;
  return columns.findIndex((c) => !c.caseSensitive && c.name === key.toLowerCase());
}

function readField(value: unknown, where: string): FieldSettings {
  if (!isObject(value)) fail(`${where} must be an object`);
  checkKeys(
    value,
    ['strategy', 'range', 'values', 'scale', 'null_percentage', 'e', 'value', 'key', 'fields'],
    where,
  );
  const strategy = value.strategy ?? 'increment';
  if (typeof strategy !== 'string' || !(STRATEGIES as readonly string[]).includes(strategy))
    fail(`${where}.strategy: unknown strategy ${JSON.stringify(strategy)}`);
  let range: [unknown, unknown] | null = null;
  if (value.range !== undefined && value.range !== null) {
    if (!Array.isArray(value.range) || value.range.length !== 2)
      fail(`${where}.range must be a list of two values [start, end)`);
    range = [value.range[0], value.range[1]];
  }
  let values: unknown[] | null = null;
  if (value.values !== undefined && value.values !== null) {
    if (!Array.isArray(value.values)) fail(`${where}.values must be a list`);
    values = value.values;
  }
  return {
    strategy: strategy as Strategy,
    range,
    values,
    scale: integer(value.scale, `${where}.scale`, 1),
    nullPercentage: count(value.null_percentage, `${where}.null_percentage`, true),
    e: integer(value.e, `${where}.e`, 1),
  };
}

function readPlan(
  value: unknown,
  index: number,
  columns: readonly ColumnInfo[],
  unknownFields: string[],
): PlanSettings {
  const where = `plan[${index}]`;
  if (!isObject(value)) fail(`${where} must be an object`);
  checkKeys(value, ['limit', 'rate', 'worker_chunk_size', 'fields'], where);
  const limit = count(value.limit, `${where}.limit`, true);
  const rateGiven = count(value.rate, `${where}.rate`, true);
  if (rateGiven !== null && rateGiven > 0xffffffff) fail(`${where}.rate must fit in 32 bits`);
  // Feldera: a rate of 0 is no rate at all (`NonZeroU32::new(0)` is None).
  const rate = rateGiven === 0 ? null : rateGiven;
  const chunkGiven = count(value.worker_chunk_size, `${where}.worker_chunk_size`, true);
  if (chunkGiven === 0) fail(`${where}.worker_chunk_size must be at least 1`);
  const fields: Array<FieldSettings | null> = columns.map(() => null);
  if (value.fields !== undefined && value.fields !== null) {
    if (!isObject(value.fields)) fail(`${where}.fields must be an object mapping column names to settings`);
    for (const [key, settings] of Object.entries(value.fields)) {
      const col = findColumn(columns, key);
      if (col < 0) {
        readField(settings, `${where}.fields.${key.slice(0, 100)}`);
        unknownFields.push(key);
        continue;
      }
      if (fields[col] !== null) fail(`${where}.fields names column '${columns[col]!.name}' twice`);
      fields[col] = readField(settings, `${where}.fields.${key}`);
    }
  }
  return { limit, rate, chunk: chunkGiven ?? Math.min(rate ?? MAX_CHUNK, MAX_CHUNK), fields };
}

/** Reads a `datagen` transport's `config` for a table with `columns`; throws `DatagenConfigError`. */
export function readDatagenConfig(config: unknown, columns: readonly ColumnInfo[]): DatagenSettings {
  const cfg = config === undefined || config === null ? {} : config;
  if (!isObject(cfg)) fail('the datagen config must be an object');
  checkKeys(cfg, ['plan', 'seed', 'workers', 'transaction_size'], 'datagen config');
  let planValues: unknown[] = [{}];
  if (cfg.plan !== undefined && cfg.plan !== null) {
    if (!Array.isArray(cfg.plan)) fail('plan must be a list of generation plans');
    planValues = cfg.plan;
  }
  const workers = count(cfg.workers, 'workers', true) ?? 1;
  // Feldera starts no generator task at all with 0 workers: no data, and no end of input.
  if (workers === 0)
    fail('workers must be at least 1 (with 0 the connector would generate nothing and never end)');
  const transactionSize = count(cfg.transaction_size, 'transaction_size', true);
  const unknownFields: string[] = [];
  return {
    plans: planValues.map((p, i) => readPlan(p, i, columns, unknownFields)),
    seed: count(cfg.seed, 'seed', true),
    workers,
    transactionSize: transactionSize === 0 ? null : transactionSize,
    unknownFields,
  };
}

/**
 * Feldera's message for a `fields` key that names no column (its datagen connector refuses
 * it when it opens, at pipeline start: crates/adapters/src/transport/datagen.rs).
 */
export function unknownFieldMessage(key: string): string {
  return `Field \`${key.slice(0, 100)}\` specified in datagen does not exist in the table schema.`;
}

/** Whether any field uses a fake-string strategy (the faker library is then loaded). */
export function usesFakeStrings(settings: DatagenSettings): boolean {
  return settings.plans.some((p) => p.fields.some((f) => f !== null && !NUMERIC_STRATEGIES.has(f.strategy)));
}
