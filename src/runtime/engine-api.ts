/**
 * What the pipeline process needs from the engine: a compiled program it can instantiate,
 * and a circuit it feeds and steps. Declared here so the data plane depends on this narrow
 * contract, not on the engine's internals.
 */

import type { ConnectorSpec } from '../connectors/spec.js';
import type { CarryReport, CircuitState, CompactionResult } from '../engine/circuit.js';
import type { CircuitProfileData } from '../engine/profile.js';
import type { RelationSignature } from '../engine/relation-signatures.js';
import type { StateCarryPlan } from '../engine/state-carry.js';
import type { TraceStorage } from '../engine/trace/storage.js';
import type { Row, WeightedRow } from '../engine/values/value.js';
import type { ColumnInfo } from '../sql/catalog.js';

/** A table or view of the program, as the data plane sees it. */
export interface RelationShape {
  kind: 'table' | 'view';
  name: string;
  columns: ColumnInfo[];
  primaryKey: number[] | null;
  materialized: boolean;
}

export interface QueryOutput {
  columns: Array<{ name: string; type: ColumnInfo['type'] }>;
  rows: Row[];
}

/** An ad-hoc statement planned but not run: an INSERT's evaluated rows, or the relations a SELECT reads. */
export type PreparedQuery =
  | { kind: 'insert'; table: string; rows: WeightedRow[] }
  | { kind: 'select'; relations: string[] };

export interface EngineCircuit {
  push(table: string, rows: WeightedRow[]): void;
  /** `nowMillis`: the step's time for `NOW()` (ms since the epoch, rounded by the caller). */
  step(nowMillis?: number): Map<string, WeightedRow[]>;
  /** Whether the program calls `NOW()`: then it steps on the clock too, not only on input. */
  readonly usesClock: boolean;
  discardPending(): void;
  takePending(): Map<string, WeightedRow[]>;
  readonly stepCount: number;
  snapshot(name: string): WeightedRow[];
  /** `snapshot` in chunks, read live: no step may run until the last chunk is read. */
  snapshotChunks(name: string, size: number): Iterable<WeightedRow[]>;
  query(sql: string): QueryOutput;
  prepareQuery(sql: string): PreparedQuery;
  /** Gives the circuit's state on-disk storage (before the first step or restore). */
  attachStorage(storage: TraceStorage): void;
  /** Seals the state synchronously now; resolves once it is in durable files. */
  checkpoint(): Promise<CircuitState>;
  /** Merges every trace's batches into one per trace, in the background; resolves when done. */
  compact(): Promise<CompactionResult>;
  /** Loads a checkpoint's circuit description into the fresh circuit. */
  restore(meta: Buffer): void;
  /** Resolves when the circuit may step without its unwritten state outgrowing its budget. */
  ready(): Promise<void>;
  /** The circuit's performance profile, read now (between steps). */
  profile(): CircuitProfileData;
  /** Plans taking another program's circuit's state by node identity (engine/state-carry.ts). */
  planCarry(previous: EngineCircuit): StateCarryPlan;
  /** Takes the restored `previous`'s state as planned, and rebuilds the rest (bootstrap pass). */
  carryFrom(
    previous: EngineCircuit,
    previousMeta: Buffer,
    plan: StateCarryPlan,
    nowMillis: number,
  ): CarryReport;
}

export interface EngineProgram {
  readonly fingerprint: string;
  /** The connectors declared in the program. */
  readonly connectors: readonly ConnectorSpec[];
  lookupRelation(name: string): RelationShape | undefined;
  /** What a program change is compared by when bootstrapping (engine/relation-signatures.ts). */
  relationSignatures(): RelationSignature[];
  instantiate(): EngineCircuit;
}
