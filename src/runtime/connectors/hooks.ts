/**
 * What the data plane asks of the pipeline's connectors, declared apart so data-plane.ts
 * depends on this contract and not on the connector classes.
 */
import type { WeightedRow } from '../../engine/values/value.js';

/** A connector batch made again from its journal entry. */
export interface RegeneratedBatch {
  endpoint: string;
  table: string;
  rows: WeightedRow[];
  bytes: number;
  position: unknown;
}

export interface ConnectorHooks {
  /** A batch of `endpoint` ending at `position` was processed, or rejected by a failed step. */
  inputDone(endpoint: string, position: unknown): void;
  /** One step's delta of a table or view (for output connectors). */
  output(relation: string, delta: readonly WeightedRow[]): void;
  /** The connectors' state for a checkpoint: where each got to in the input processed so far. */
  exportState(): Record<string, unknown>;
  /** Restores what `exportState` saved, before any input. */
  importState(state: Record<string, unknown>): void;
  /** Makes again the batch a `connector` journal entry names (exactly-once replay). */
  regenerate(payload: string): RegeneratedBatch;
}
