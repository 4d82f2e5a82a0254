/**
 * Bootstrapping: starting a modified program from a checkpoint of the previous one
 * (Feldera 0.312, "Modifying a Pipeline"; design: docs/design/bootstrap.md).
 *
 * Every checkpoint carries the SQL of the program that took it (`program.sql`). When the
 * newest checkpoint's program differs from the one starting, the two are compared
 * (`pipelineDiff`: tables, views and connectors added, removed and modified, by the relation
 * signatures of engine/relation-signatures.ts and the connectors' configurations) and
 * `bootstrap_policy` decides: `reject` fails the start with the diff in the message,
 * `await_approval` reports `AwaitingApproval` with the diff as the status details until
 * `/approve`, `allow` goes on. An empty diff (a change that alters no relation and no
 * connector) bootstraps without asking.
 *
 * The state is carried by node identity, as Feldera does by persistent operator ids
 * (engine/state-carry.ts): the old program is compiled and its circuit restored from the
 * checkpoint (read only); every stateful node of the new circuit whose identity the old one
 * has keeps its state, whatever its view is now called; the others are rebuilt by one pass
 * over the integrals of the streams they read, replayed from kept state (a table's contents,
 * or any materialized view that integrates the same stream, e.g. `SELECT * FROM t`). When a
 * rebuilt node needs a table that no state holds, the start fails ("not materialized") before
 * asking for approval. New and modified tables start empty (Feldera's rule); input
 * connectors, and the HTTP input connectors' counters, carry over when neither they nor their
 * table changed. The pass's output is not sent anywhere (see the design note for what Feldera
 * sends and why this differs); the new program's first checkpoint replaces the old one.
 */
import { createHash } from 'node:crypto';
import type { ConnectorSpec } from '../connectors/spec.js';
import type { CarryReport } from '../engine/circuit.js';
import type { RelationSignature } from '../engine/relation-signatures.js';
import type { StateCarryPlan } from '../engine/state-carry.js';
import type { TraceStorage } from '../engine/trace/storage.js';
import type { BootstrapPolicy } from '../types/pipeline.js';
import type { DataPlane, DataPlaneMeta } from './data-plane.js';
import type { EngineProgram } from './engine-api.js';
import type { PipelineLogger } from './log.js';

/** Feldera's `ProgramDiff`: canonical relation names, sorted. */
export interface ProgramDiff {
  added_tables: string[];
  removed_tables: string[];
  modified_tables: string[];
  added_views: string[];
  removed_views: string[];
  modified_views: string[];
}

/** Feldera's `PipelineDiff`, the `deployment_runtime_status_details` of `AwaitingApproval`. */
export interface PipelineDiff {
  program_diff: ProgramDiff | null;
  program_diff_error: string | null;
  added_input_connectors: string[];
  modified_input_connectors: string[];
  removed_input_connectors: string[];
  added_output_connectors: string[];
  modified_output_connectors: string[];
  removed_output_connectors: string[];
}

/** What the checkpoint resumed from holds of the program that took it. */
export interface CheckpointedProgram {
  uuid: string;
  programCode: string;
  /** Its `circuit.json`. */
  circuitMeta: Buffer;
  planeMeta: DataPlaneMeta;
}

export interface BootstrapContext {
  policy: BootstrapPolicy;
  /** Compiles a program's SQL (the old one's, here). */
  compile: (sql: string) => EngineProgram;
  /** Storage for the old circuit's traces: read only, dropped after the bootstrap. */
  readStorage: () => TraceStorage;
  /** Reports `AwaitingApproval` with the diff and resolves on `/approve`. */
  awaitApproval: (diff: PipelineDiff) => Promise<void>;
  /** Called once the bootstrap runs (status `Bootstrapping`). */
  onBootstrapping: () => void;
  log: PipelineLogger;
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}

function configHash(spec: ConnectorSpec): string {
  return createHash('sha256').update(JSON.stringify(spec.config)).digest('hex');
}

/** Added, removed and modified names between two keyed collections. */
function compare<T>(
  before: Map<string, T>,
  after: Map<string, T>,
  changed: (a: T, b: T, name: string) => boolean,
): { added: string[]; removed: string[]; modified: string[] } {
  return {
    added: sorted([...after.keys()].filter((n) => !before.has(n))),
    removed: sorted([...before.keys()].filter((n) => !after.has(n))),
    modified: sorted(
      [...after.entries()].filter(([n, b]) => before.has(n) && changed(before.get(n)!, b, n)).map(([n]) => n),
    ),
  };
}

/**
 * The program diff: a table is modified when its signature changed; a view when its
 * signature changed or it reads a relation that is modified or newly added under that name.
 */
export function programDiff(before: RelationSignature[], after: RelationSignature[]): ProgramDiff {
  const byKind = (sigs: RelationSignature[], kind: 'table' | 'view') =>
    new Map(sigs.filter((s) => s.kind === kind).map((s) => [s.name, s]));
  const tables = compare(
    byKind(before, 'table'),
    byKind(after, 'table'),
    (a, b) => a.signature !== b.signature,
  );
  const oldViews = byKind(before, 'view');
  const newViews = byKind(after, 'view');
  const dirty = new Set([...tables.modified, ...tables.added]);
  // Views come in dependency order, so a view's inputs are decided before it, except inside a
  // recursive group, whose members read each other: repeat until nothing more is dirty.
  for (let grew = true; grew; ) {
    grew = false;
    for (const v of after.filter((s) => s.kind === 'view')) {
      if (dirty.has(v.name)) continue;
      const old = oldViews.get(v.name);
      if (!old || old.signature !== v.signature || v.reads.some((r) => dirty.has(r))) {
        dirty.add(v.name);
        grew = true;
      }
    }
  }
  const views = compare(oldViews, newViews, (_a, _b, name) => dirty.has(name));
  return {
    added_tables: tables.added,
    removed_tables: tables.removed,
    modified_tables: tables.modified,
    added_views: views.added,
    removed_views: views.removed,
    modified_views: views.modified,
  };
}

/** The full diff: the program's and the connectors' (by endpoint name and configuration). */
export function pipelineDiff(before: EngineProgram, after: EngineProgram): PipelineDiff {
  const program = programDiff(before.relationSignatures(), after.relationSignatures());
  const connectors = (p: EngineProgram, direction: ConnectorSpec['direction']) =>
    new Map(p.connectors.filter((c) => c.direction === direction).map((c) => [c.endpoint, configHash(c)]));
  const inputs = compare(connectors(before, 'input'), connectors(after, 'input'), (a, b) => a !== b);
  const outputs = compare(connectors(before, 'output'), connectors(after, 'output'), (a, b) => a !== b);
  return {
    program_diff: program,
    program_diff_error: null,
    added_input_connectors: inputs.added,
    modified_input_connectors: inputs.modified,
    removed_input_connectors: inputs.removed,
    added_output_connectors: outputs.added,
    modified_output_connectors: outputs.modified,
    removed_output_connectors: outputs.removed,
  };
}

/** Whether the diff names nothing at all. */
export function isEmptyDiff(diff: PipelineDiff): boolean {
  const lists = [
    ...Object.values(diff.program_diff ?? {}),
    diff.added_input_connectors,
    diff.modified_input_connectors,
    diff.removed_input_connectors,
    diff.added_output_connectors,
    diff.modified_output_connectors,
    diff.removed_output_connectors,
  ];
  return lists.every((l) => l.length === 0);
}

/** One line per non-empty part of the diff, for messages and logs. */
export function describeDiff(diff: PipelineDiff): string {
  const parts: string[] = [];
  const add = (label: string, names: string[]) => {
    if (names.length > 0) parts.push(`${label}: ${names.join(', ')}`);
  };
  const p = diff.program_diff;
  if (p) {
    add('added tables', p.added_tables);
    add('removed tables', p.removed_tables);
    add('modified tables', p.modified_tables);
    add('added views', p.added_views);
    add('removed views', p.removed_views);
    add('modified views', p.modified_views);
  }
  add('added input connectors', diff.added_input_connectors);
  add('removed input connectors', diff.removed_input_connectors);
  add('modified input connectors', diff.modified_input_connectors);
  add('added output connectors', diff.added_output_connectors);
  add('removed output connectors', diff.removed_output_connectors);
  add('modified output connectors', diff.modified_output_connectors);
  return parts.length > 0 ? parts.join('; ') : 'no table, view or connector changed';
}

/** Tables both programs define alike: their contents, connectors and counters carry over. */
function keptTables(before: EngineProgram, after: EngineProgram, diff: ProgramDiff): Set<string> {
  const old = new Set(before.relationSignatures().map((s) => s.name));
  const changed = new Set([...diff.added_tables, ...diff.modified_tables]);
  return new Set(
    after
      .relationSignatures()
      .filter((s) => s.kind === 'table' && !changed.has(s.name) && old.has(s.name))
      .map((s) => s.name),
  );
}

/** The refusal when rebuilt relations need tables whose contents no state holds. */
function missingContents(uuid: string, missing: StateCarryPlan['missing']): Error {
  const tables = missing.map(
    (m) => `table '${m.table}' (read by ${m.readers.map((r) => `'${r}'`).join(', ')})`,
  );
  return new Error(
    `cannot bootstrap the modified program from checkpoint ${uuid}: ${tables.join(', ')} is not materialized, so the checkpoint does not hold its contents ` +
      'and the new or modified views that read it cannot be computed. Restore the checkpointed program to keep its state, ' +
      "or clear the storage (/clear) to start this program from scratch. Declaring such tables with 'materialized' = 'true' " +
      "makes later checkpoints hold their contents, but changing a table's declaration modifies the table, which then starts empty (as in Feldera).",
  );
}

/** Input connectors that keep their checkpointed positions: unchanged, on an unchanged table. */
function carriedConnectorState(
  meta: DataPlaneMeta,
  diff: PipelineDiff,
  after: EngineProgram,
  kept: Set<string>,
): Record<string, unknown> | undefined {
  if (!meta.connectors) return undefined;
  const reset = new Set([...diff.added_input_connectors, ...diff.modified_input_connectors]);
  const endpoints = new Set(
    after.connectors
      .filter((c) => c.direction === 'input' && !reset.has(c.endpoint) && kept.has(c.relation))
      .map((c) => c.endpoint),
  );
  return Object.fromEntries(Object.entries(meta.connectors).filter(([e]) => endpoints.has(e)));
}

/**
 * Starts `plane` (fresh, running `after`) from a checkpoint taken by another program, as the
 * policy decides. Throws (a failed start) on `reject` or when the state cannot be rebuilt.
 */
export async function bootstrapFrom(
  checkpointed: CheckpointedProgram,
  after: EngineProgram,
  plane: DataPlane,
  ctx: BootstrapContext,
): Promise<void> {
  let before: EngineProgram;
  try {
    before = ctx.compile(checkpointed.programCode);
  } catch (err) {
    throw new Error(
      `checkpoint ${checkpointed.uuid} was taken by a different program, which this Sluice cannot compile (${(err as Error).message}); ` +
        'restore that program, or clear the storage (/clear) to start this program from scratch.',
    );
  }
  const diff = pipelineDiff(before, after);
  const summary = describeDiff(diff);
  ctx.log.info(`checkpoint ${checkpointed.uuid} was taken by a different program: ${summary}`);
  if (!isEmptyDiff(diff)) {
    if (ctx.policy === 'reject') {
      throw new Error(
        `the pipeline was modified since checkpoint ${checkpointed.uuid} and bootstrap_policy is 'reject' (${summary}). ` +
          "Restore the checkpointed program, or start the pipeline with bootstrap_policy 'allow' or 'await_approval' to bootstrap the modified program.",
      );
    }
  }
  const tables = keptTables(before, after, diff.program_diff!);
  const old = before.instantiate();
  const plan = plane.circuit.planCarry(old);
  if (plan.missing.length > 0) throw missingContents(checkpointed.uuid, plan.missing);
  if (!isEmptyDiff(diff) && ctx.policy === 'await_approval') {
    ctx.log.info('awaiting approval (/approve) to bootstrap the modified program');
    await ctx.awaitApproval(diff);
  }
  ctx.onBootstrapping();
  const started = Date.now();
  const storage = ctx.readStorage();
  let report: CarryReport;
  try {
    old.attachStorage(storage);
    old.restore(checkpointed.circuitMeta);
    report = plane.circuit.carryFrom(old, checkpointed.circuitMeta, plan, Date.now());
  } finally {
    await storage.close();
  }
  const meta: DataPlaneMeta = { ...checkpointed.planeMeta };
  delete meta.partial;
  const connectors = carriedConnectorState(meta, diff, after, tables);
  if (connectors) meta.connectors = connectors;
  else delete meta.connectors;
  // Feldera resets every connector of a new or modified table, the HTTP ones included.
  if (meta.httpInputs) meta.httpInputs = meta.httpInputs.filter((h) => tables.has(h.table));
  meta.completedSteps += 1;
  plane.importMeta(meta);
  const rebuilt = plan.rebuilt.length > 0 ? plan.rebuilt.map((v) => `'${v}'`).join(', ') : 'none';
  ctx.log.info(
    `bootstrapped from checkpoint ${checkpointed.uuid} in ${Date.now() - started} ms: ${report.kept} operator state(s) kept, ` +
      `${report.rebuilt} rebuilt from ${report.replayedRows} replayed row(s); views recomputed: ${rebuilt}`,
  );
}
