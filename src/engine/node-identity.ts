/**
 * Node identities: what makes the state of one program's dataflow node reusable by another
 * program's (bootstrapping a modified program, state-carry.ts).
 *
 * Feldera gives every operator a persistent id derived from its logic, so that an unchanged
 * query keeps its state whatever its view is called. Sluice does the same: a node's identity
 * is a SHA-256 over its kind, its own definition (for a plan node: the plan node without its
 * inputs — expressions, keys, aggregates, output column types and names) and the identities
 * of its inputs, in order. It is a Merkle hash of the whole subgraph that feeds the node, so
 * two nodes with the same identity compute the same stream from the same table contents, and
 * a stateful node's state is a function of that stream's integral. View names never enter
 * (a view's nodes are named after it only for error messages); table sources are identified
 * by the table's name and its relation signature (columns, key, `materialized`,
 * `append_only`), so a modified or renamed table is a different source, as in Feldera.
 *
 * Identities are compared only between programs compiled by the same engine (a checkpoint of
 * another engine version is refused before any state is read), so they need no version.
 */
import { createHash } from 'node:crypto';
import type { Rel } from '../sql/plan.js';

/** JSON that does not throw on BIGINT or DECIMAL literals in plans. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** The identity of a node of `kind` with definition `detail` reading nodes `inputs`. */
export function nodeIdentity(kind: string, detail: unknown, inputs: readonly string[]): string {
  return createHash('sha256').update(stableJson({ kind, detail, inputs })).digest('hex');
}

/** Fields of plan nodes that hold their input plans (their identities stand for them). */
const INPUT_FIELDS = new Set(['input', 'left', 'right', 'inputs']);

/** A plan node's own definition: the node without its input plans. */
export function relDetail(rel: Rel): unknown {
  return Object.fromEntries(Object.entries(rel).filter(([field]) => !INPUT_FIELDS.has(field)));
}

/** The identity of the node that integrates (materializes) the node identified by `input`. */
export function integrateIdentity(input: string): string {
  return nodeIdentity('integrate', null, [input]);
}
