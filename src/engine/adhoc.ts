/**
 * Ad-hoc statements against a running circuit. A SELECT is planned like a view, built into a
 * throw-away dataflow whose scans emit the current snapshots of the materialized relations,
 * and run for one step: the same operators compute it, so ad-hoc answers agree with views.
 * Its rows are then sorted by the query's ORDER BY. An INSERT evaluates its VALUES and pushes
 * them into the table (they are applied at the next step).
 */
import { planAdHoc } from '../sql/adhoc.js';
import type { Ident } from '../sql/ast.js';
import type { TableInfo, ViewInfo } from '../sql/catalog.js';
import { SqlError } from '../sql/messages.js';
import type { Column } from '../sql/plan.js';
import { VALIDATION_ERROR } from '../sql/scope.js';
import { buildRel } from './build.js';
import { Dataflow, NodeFailure, type Operator } from './dataflow.js';
import { EngineError } from './errors.js';
import { compileExpr } from './expr/compile.js';
import { makeRowOrder } from './operators/top-k.js';
import { UndoLog } from './undo-log.js';
import type { ColumnType } from './values/types.js';
import type { Row, Value, WeightedRow } from './values/value.js';
import { type Batch, consolidate } from './zset.js';

export interface QueryResult {
  columns: { name: string; type: ColumnType }[];
  rows: Value[][];
}

/** What an ad-hoc statement may read and write. */
export interface AdHocTarget {
  /** A table or output view by canonical name. */
  relation(name: string): TableInfo | ViewInfo | undefined;
  /** Integrated contents of a materialized relation. */
  snapshot(name: string): WeightedRow[];
  push(table: string, rows: WeightedRow[]): void;
}

/** Emits fixed rows in its (only) step. */
class SnapshotSource implements Operator {
  constructor(private readonly rows: Batch) {}
  step(): Batch {
    return this.rows;
  }
}

export function runAdHoc(sql: string, target: AdHocTarget): QueryResult {
  const plan = planAdHoc(sql, {
    resolve(id: Ident): { name: string; columns: Column[] } {
      const rel = target.relation(id.name);
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
      const rel = target.relation(name);
      return rel?.kind === 'table' ? rel : undefined;
    },
  });
  if (plan.kind === 'error') {
    throw new EngineError('InvalidQuery', plan.messages.map((m) => m.message).join('\n'), {
      messages: plan.messages,
    });
  }
  if (plan.kind === 'insert') {
    let rows: Row[];
    try {
      rows = plan.rows.map((r) => r.map((e) => compileExpr(e)([])));
    } catch (e) {
      throw new EngineError('InvalidQuery', `INSERT INTO ${plan.table.name}: ${(e as Error).message}`);
    }
    target.push(
      plan.table.name,
      rows.map((row) => ({ row, weight: 1 })),
    );
    return {
      columns: [{ name: 'count', type: { type: 'BIGINT', nullable: false } }],
      rows: [[BigInt(rows.length)]],
    };
  }
  const { query } = plan;
  const dataflow = new Dataflow();
  const scans = new Map<string, number>();
  const output = buildRel(query.rel, '(ad-hoc query)', dataflow, (name) => {
    let node = scans.get(name);
    if (node === undefined) {
      node = dataflow.add(new SnapshotSource(target.snapshot(name)), [], name);
      scans.set(name, node);
    }
    return node;
  });
  let result: Batch;
  try {
    result = consolidate(dataflow.run(new Map(), { undo: new UndoLog(), step: 1 }).outputs[output]!);
  } catch (e) {
    if (!(e instanceof NodeFailure)) throw e;
    throw new EngineError('RuntimeError', `Ad-hoc query failed: ${e.message}`, { cause: e.message });
  }
  const rows: Row[] = [];
  for (const { row, weight } of result) for (let i = 0; i < weight; i++) rows.push(row);
  if (query.order.length > 0) rows.sort(makeRowOrder(query.order));
  const visible = query.rel.columns.slice(0, query.visible);
  return {
    columns: visible.map((c) => ({ name: c.name, type: c.type })),
    rows: rows.map((r) => (r.length === query.visible ? r : r.slice(0, query.visible))),
  };
}
