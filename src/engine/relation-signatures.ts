/**
 * Relation signatures: what a program change is compared by when a pipeline starts from a
 * checkpoint taken by another program (bootstrapping, runtime/bootstrap.ts).
 *
 * Feldera 0.312 (docs, "Modifying a Pipeline"): a table is modified when the names, types or
 * order of its columns, its primary key, or its `materialized` / `append_only` properties
 * change, not when only its connectors change; a view is modified when its query or its
 * `MATERIALIZED` attribute changes, or when a relation it reads is modified. A signature holds
 * exactly those parts: a table's columns, key and the two properties; a view's plan (the
 * compiled query, which names the relations it scans and their column types) and its
 * MATERIALIZED flag. Connectors are not part of any signature. The transitive rule ("reads a
 * modified relation") is applied by the comparison, from `reads`.
 */
import { createHash } from 'node:crypto';
import type { TableInfo } from '../sql/catalog.js';
import type { CompiledView } from '../sql/compile.js';
import type { Rel } from '../sql/plan.js';
import { stableJson } from './node-identity.js';

export interface RelationSignature {
  kind: 'table' | 'view';
  /** Canonical name. */
  name: string;
  /** SHA-256 (hex) of the parts whose change makes the relation modified. */
  signature: string;
  /** Canonical names of the relations a view scans (none for a table). */
  reads: string[];
  /** Whether the relation keeps its integrated contents (`materialized`). */
  materialized: boolean;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The relations a plan scans, found by walking it (plans are trees of plain objects). */
function scannedRelations(plan: Rel): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.kind === 'scan' && typeof obj.relation === 'string') found.add(obj.relation);
    for (const v of Object.values(obj)) walk(v);
  };
  walk(plan);
  return [...found].sort();
}

/** A table's signature (also the identity of its source node, engine/node-identity.ts). */
export function tableSignature(t: TableInfo): RelationSignature {
  const appendOnly = t.properties.find((p) => p.key.toLowerCase() === 'append_only')?.value ?? null;
  const parts = {
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    primaryKey: t.primaryKey,
    materialized: t.materialized,
    appendOnly,
  };
  return {
    kind: 'table',
    name: t.name,
    signature: hash(stableJson(parts)),
    reads: [],
    materialized: t.materialized,
  };
}

function viewSignature(v: CompiledView): RelationSignature {
  const parts = { plan: v.plan, materialized: v.info.materialized, local: v.info.local };
  return {
    kind: 'view',
    name: v.info.name,
    signature: hash(stableJson(parts)),
    reads: scannedRelations(v.plan),
    materialized: v.info.materialized,
  };
}

/** Signatures of a program's tables and views (LOCAL ones included), in declaration order. */
export function relationSignatures(tables: TableInfo[], views: CompiledView[]): RelationSignature[] {
  return [...tables.map(tableSignature), ...views.map(viewSignature)];
}
