/**
 * Ad-hoc statements against materialized relations.
 *
 * `prepareAdHoc` plans a statement. An INSERT evaluates its VALUES into rows for the caller
 * to push into the table (they are applied at the next step). A SELECT becomes an
 * `AdHocSelect`: it names the materialized relations it reads, and `batches()` evaluates it
 * over snapshots of them (adhoc-eval.ts) and yields its rows in batches as they are ready.
 * The runtime runs SELECTs in a worker thread over snapshots it sends there; `runAdHoc` runs
 * a statement in place (engine tests, replay of journaled INSERTs).
 *
 * How the rows leave `batches()`, by query shape (ORDER BY, LIMIT and OFFSET are applied here,
 * after the dataflow, not by a top-k operator):
 *   - monotone (see `isMonotone`) without ORDER BY: each step's rows are sent at once, and
 *     a LIMIT stops the evaluation as soon as it is reached;
 *   - monotone with ORDER BY and LIMIT: only the best OFFSET + LIMIT rows are kept as steps
 *     go (memory bounded by the limit, not the input);
 *   - otherwise the deltas are summed and the result is sorted (by ORDER BY, then by whole
 *     rows so LIMIT without ORDER BY is deterministic, as the top-k operator is) and sliced.
 */
import { planAdHoc } from '../sql/adhoc.js';
import type { Ident } from '../sql/ast.js';
import type { BoundQuery } from '../sql/bind-query.js';
import { NO_USER_TYPES, type TableInfo, type UserTypes, type ViewInfo } from '../sql/catalog.js';
import { SqlError } from '../sql/messages.js';
import type { Column, Rel } from '../sql/plan.js';
import { VALIDATION_ERROR } from '../sql/scope.js';
import { isMonotone, stepDeltas } from './adhoc-eval.js';
import { EngineError } from './errors.js';
import { compileExpr } from './expr/compile.js';
import { makeRowOrder } from './operators/top-k.js';
import type { ColumnType } from './values/types.js';
import { type Row, rowKey, type Value, type WeightedRow } from './values/value.js';

export interface QueryResult {
  columns: { name: string; type: ColumnType }[];
  rows: Value[][];
}

/** The relations an ad-hoc statement may name. */
export interface AdHocCatalog {
  /** A table or output view by canonical name. */
  relation(name: string): TableInfo | ViewInfo | undefined;
  /** The program's user-defined types and SQL functions (none when absent). */
  readonly types?: UserTypes;
}

/** What `runAdHoc` reads and writes. */
export interface AdHocTarget extends AdHocCatalog {
  /** Integrated contents of a materialized relation. */
  snapshot(name: string): WeightedRow[];
  push(table: string, rows: WeightedRow[]): void;
}

/** An INSERT ... VALUES with its rows evaluated, in the table's column order. */
export interface AdHocInsert {
  kind: 'insert';
  table: string;
  rows: WeightedRow[];
}

export type AdHocStatement = AdHocInsert | AdHocSelect;

/** Rows per batch yielded by `AdHocSelect.batches` unless told otherwise. */
const BATCH_ROWS = 1024;
/** A partial batch of final rows waits at most this long (ms) for more, so slow queries still stream. */
const BATCH_WAIT_MS = 100;

/** A planned SELECT, ready to run over snapshots of `relations`. */
export class AdHocSelect {
  readonly kind = 'select';
  /** The output columns. */
  readonly columns: { name: string; type: ColumnType }[];
  /** Canonical names of the materialized relations the query reads. */
  readonly relations: string[];
  private readonly rel: Rel;
  /** OFFSET and LIMIT applied after the dataflow; null when the query has neither. */
  private readonly window: { offset: number; limit: number | null } | null;

  constructor(private readonly query: BoundQuery) {
    const windowed = query.limit !== null || query.offset > 0;
    // The planner puts the query's own top-k at the root; it is applied here instead.
    this.rel = windowed && query.rel.kind === 'topk' ? query.rel.input : query.rel;
    this.window = this.rel === query.rel ? null : { offset: query.offset, limit: query.limit };
    this.columns = query.rel.columns.slice(0, query.visible).map((c) => ({ name: c.name, type: c.type }));
    this.relations = [...scannedRelations(query.rel)];
  }

  /**
   * Evaluates the query over `snapshot(name)` of each relation in `relations` and yields its
   * rows (visible columns only) in batches of at most `batchRows`, each as soon as it is full
   * (or has waited `BATCH_WAIT_MS` for more).
   * Stop pulling to abandon the query. Throws `EngineError` `RuntimeError`.
   */
  *batches(
    snapshot: (relation: string) => WeightedRow[],
    batchRows = BATCH_ROWS,
  ): Generator<Row[], void, undefined> {
    const deltas = stepDeltas(this.rel, snapshot);
    const { order, visible } = this.query;
    const width = this.query.rel.columns.length;
    const shown = (row: Row): Row => (width === visible ? row : row.slice(0, visible));
    const offset = this.window?.offset ?? 0;
    const limit = this.window?.limit ?? null;
    if (limit === 0) return;
    const monotone = isMonotone(this.rel);

    if (monotone && order.length === 0) {
      let skipped = 0;
      let sent = 0;
      let batch: Row[] = [];
      let since = performance.now();
      for (const delta of deltas) {
        for (const { row, weight } of delta)
          for (let copy = 0; copy < weight; copy++) {
            if (skipped < offset) {
              skipped++;
              continue;
            }
            batch.push(shown(row));
            sent++;
            if (sent === limit) {
              yield batch;
              return;
            }
            if (batch.length >= batchRows) {
              yield batch;
              batch = [];
              since = performance.now();
            }
          }
        if (batch.length > 0 && performance.now() - since > BATCH_WAIT_MS) {
          yield batch;
          batch = [];
          since = performance.now();
        }
      }
      if (batch.length > 0) yield batch;
      return;
    }

    const compare = makeRowOrder(order);
    let rows: Row[];
    if (monotone && limit !== null) {
      // Keep the best offset + limit rows: prune whenever the buffer doubles.
      const keep = offset + limit;
      rows = [];
      for (const delta of deltas)
        for (const { row, weight } of delta) {
          for (let copy = 0; copy < Math.min(weight, keep); copy++) rows.push(row);
          if (rows.length >= 2 * keep + BATCH_ROWS) {
            rows.sort(compare);
            rows.length = keep;
          }
        }
    } else if (monotone) {
      rows = [];
      for (const delta of deltas)
        for (const { row, weight } of delta) for (let copy = 0; copy < weight; copy++) rows.push(row);
    } else {
      const sum = new Map<string, WeightedRow>();
      for (const delta of deltas)
        for (const { row, weight } of delta) {
          const key = rowKey(row);
          const e = sum.get(key);
          if (!e) sum.set(key, { row, weight });
          else {
            e.weight += weight;
            if (e.weight === 0) sum.delete(key);
          }
        }
      rows = [];
      for (const { row, weight } of sum.values()) for (let copy = 0; copy < weight; copy++) rows.push(row);
    }
    if (order.length > 0 || this.window) rows.sort(compare);
    const end = limit === null ? rows.length : Math.min(rows.length, offset + limit);
    for (let start = offset; start < end; start += batchRows)
      yield rows.slice(start, Math.min(end, start + batchRows)).map(shown);
  }
}

/** Canonical names of the relations a plan scans. */
function scannedRelations(rel: Rel, out = new Set<string>()): Set<string> {
  switch (rel.kind) {
    case 'scan':
      out.add(rel.relation);
      break;
    case 'values':
    case 'clock':
      break;
    case 'join':
    case 'setop':
      scannedRelations(rel.left, out);
      scannedRelations(rel.right, out);
      break;
    case 'union':
      for (const input of rel.inputs) scannedRelations(input, out);
      break;
    default:
      scannedRelations(rel.input, out);
  }
  return out;
}

/**
 * Plans an ad-hoc SELECT or INSERT. Throws `EngineError`: `InvalidQuery` (with the compiler
 * messages) or `NotMaterialized` when a SELECT reads a relation that is not materialized.
 * `nowMillis` (milliseconds since the epoch) is `NOW()` for the whole query; by default the
 * time of planning, which is when the query starts.
 */
export function prepareAdHoc(sql: string, catalog: AdHocCatalog, nowMillis = Date.now()): AdHocStatement {
  const plan = planAdHoc(
    sql,
    {
      resolve(id: Ident): { name: string; columns: Column[] } {
        const rel = catalog.relation(id.name);
        if (!rel) throw new SqlError(id.span, VALIDATION_ERROR, `Object '${id.name}' not found`);
        if (!rel.materialized)
          throw new EngineError(
            'NotMaterialized',
            `${rel.kind === 'table' ? 'Table' : 'View'} '${rel.name}' is not materialized; declare it with ${rel.kind === 'table' ? "WITH ('materialized' = 'true')" : 'CREATE MATERIALIZED VIEW'} to query it`,
            { relation: rel.name },
          );
        return { name: rel.name, columns: rel.columns.map((c) => ({ name: c.name, type: c.type })) };
      },
      table(name: string) {
        const rel = catalog.relation(name);
        return rel?.kind === 'table' ? rel : undefined;
      },
      types: catalog.types ?? NO_USER_TYPES,
    },
    nowMillis,
  );
  if (plan.kind === 'error') {
    throw new EngineError('InvalidQuery', plan.messages.map((m) => m.message).join('\n'), {
      messages: plan.messages,
    });
  }
  if (plan.kind === 'query') return new AdHocSelect(plan.query);
  let rows: Row[];
  try {
    rows = plan.rows.map((r) => r.map((e) => compileExpr(e)([])));
  } catch (e) {
    throw new EngineError('InvalidQuery', `INSERT INTO ${plan.table.name}: ${(e as Error).message}`);
  }
  return { kind: 'insert', table: plan.table.name, rows: rows.map((row) => ({ row, weight: 1 })) };
}

/** The answer of an INSERT: how many rows it pushed. */
export function insertResult(count: number): QueryResult {
  return {
    columns: [{ name: 'count', type: { type: 'BIGINT', nullable: false } }],
    rows: [[BigInt(count)]],
  };
}

/** Runs an ad-hoc statement in place: an INSERT pushes its rows, a SELECT returns all its rows. */
export function runAdHoc(sql: string, target: AdHocTarget): QueryResult {
  const statement = prepareAdHoc(sql, target);
  if (statement.kind === 'insert') {
    target.push(statement.table, statement.rows);
    return insertResult(statement.rows.length);
  }
  const rows: Row[] = [];
  for (const batch of statement.batches((name) => target.snapshot(name))) rows.push(...batch);
  return { columns: statement.columns, rows };
}
