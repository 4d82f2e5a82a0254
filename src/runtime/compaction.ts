/**
 * Compaction on request (`POST /start_compaction`, compaction-routes.ts; Feldera 0.312:
 * "Initiate immediate compaction of the pipeline's state"): merges every trace's batches into
 * one batch per trace, in the background. Steps go on while it runs.
 *
 * A request while a compaction runs joins it (no second one is queued). Progress is in the
 * log (one line when it starts, one when it ends, with the traces, the batches merged and the
 * time taken) and in `/metrics`: `compaction_in_progress` (gauge), `compactions_total` and
 * `compaction_batches_merged_total` (counters). A pipeline without storage keeps its state
 * in memory only: there are no batches, and a compaction ends at once having merged none.
 */
import type { EngineCircuit } from './engine-api.js';
import type { PipelineLogger } from './log.js';
import type { Metric } from './metrics.js';

export class Compaction {
  private running: Promise<void> | null = null;
  private completed = 0;
  private batchesMerged = 0;

  constructor(private readonly log: PipelineLogger) {}

  /** Starts compacting `circuit` unless a compaction runs; resolves when the one running ends. */
  start(circuit: EngineCircuit): Promise<void> {
    this.running ??= this.run(circuit).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(circuit: EngineCircuit): Promise<void> {
    const started = Date.now();
    this.log.info('compaction started: merging the batches of every trace');
    try {
      const { traces, batches } = await circuit.compact();
      this.completed++;
      this.batchesMerged += batches;
      this.log.info(
        `compaction finished in ${Date.now() - started} ms: ${batches} batches merged across ${traces} traces`,
      );
    } catch (err) {
      this.log.warn(`compaction failed: ${(err as Error).message}`);
    }
  }

  metrics(): Metric[] {
    const one = (value: number) => [{ labels: {}, value }];
    return [
      {
        key: 'compaction_in_progress',
        type: 'gauge',
        description: '1 while a compaction requested by /start_compaction runs, 0 otherwise.',
        values: one(this.running ? 1 : 0),
      },
      {
        key: 'compactions_total',
        type: 'counter',
        description: 'Compactions requested by /start_compaction that finished.',
        values: one(this.completed),
      },
      {
        key: 'compaction_batches_merged_total',
        type: 'counter',
        description: 'Batches merged by compactions requested by /start_compaction.',
        values: one(this.batchesMerged),
      },
    ];
  }
}
