/**
 * `GET /stats` (the reference's `ControllerStatus`) and `GET /metrics` (Prometheus text or JSON) of a
 * pipeline process, from the controller's real counters and the process's own resource use.
 *
 * `pipeline_complete` (what the Python SDK's `wait_for_completion` polls) is true once every
 * input connector has finished (reached its end of input, everything it read processed) and
 * the data plane has processed and sent out everything it accepted. HTTP ingress never holds
 * it back, as in Feldera: a pipeline fed only over HTTP is complete whenever it is idle.
 *
 * The top-level keys are the four a running Feldera 0.312 pipeline sends (`global_metrics`,
 * `inputs`, `outputs`, `suspend_error`); the reference's optional `checkpoint_activity` and
 * `permanent_checkpoint_errors` are left out, as Feldera leaves them out (its platform test
 * test_pipeline_stats asserts the exact key set).
 */
import type { Controller } from './controller.js';
import type { DataPlane } from './data-plane.js';
import type { EgressSubscriber } from './egress.js';
import type { MemoryPressureMonitor } from './memory-pressure.js';
import type { Metric } from './metrics.js';
import { SyncMetrics } from './sync-metrics.js';

const NO_TRANSACTION = {
  transaction_status: 'NoTransaction',
  transaction_id: 0,
  transaction_initiators: { transaction_id: null, initiated_by_api: null, initiated_by_connectors: {} },
};

/** Feldera's `OutputEndpointStatus` of an egress stream (an HTTP output connector). */
export function outputStatus(sub: EgressSubscriber, plane: DataPlane): Record<string, unknown> {
  return {
    endpoint_name: sub.endpointName,
    config: { stream: sub.relation.name },
    metrics: {
      transmitted_records: sub.transmittedRecords,
      transmitted_bytes: sub.transmittedBytes,
      queued_records: 0,
      queued_batches: 0,
      buffered_records: 0,
      buffered_batches: 0,
      num_encode_errors: 0,
      num_transport_errors: sub.droppedChunks,
      total_processed_input_records: plane.totalProcessedRecords,
      total_processed_steps: plane.completedSteps,
      memory: sub.stream.writableLength,
    },
    fatal_error: null,
  };
}

/** An endpoint status with its error lists `keys` set to null unless `include`. */
function withErrors(
  status: Record<string, unknown>,
  include: boolean,
  keys: readonly string[],
): Record<string, unknown> {
  if (include) return status;
  const out = { ...status };
  for (const k of keys) out[k] = null;
  return out;
}

/** Builds the stats documents of one pipeline process. */
export class ControllerStats {
  /**
   * @param storageBytes bytes in the pipeline's storage directory (time-series.ts scans it)
   * @param memory the process's memory pressure against its limit (memory-pressure.ts)
   */
  constructor(
    private readonly controller: Controller,
    private readonly storageBytes: () => number,
    private readonly memory: MemoryPressureMonitor,
  ) {}

  /**
   * Feldera's `ControllerStatus`. The endpoints' recent error lists (`parse_errors`,
   * `transport_errors`, `encode_errors`) are given only with `includeErrors` (Feldera's
   * `/stats?include_connector_errors=true`, since 0.289), null otherwise, so that frequent
   * polling stays light; the counters are always there.
   */
  controllerStatus(includeErrors = false): Record<string, unknown> {
    const c = this.controller;
    const plane = c.hasDataPlane ? c.dataPlane : null;
    const connectors = c.connectorsIfUp;
    const flow = plane?.stats();
    const cpu = process.cpuUsage();
    const now = Date.now();
    return {
      global_metrics: {
        state: c.pipelineState,
        bootstrap_in_progress: false,
        ...(plane?.transactionStats() ?? NO_TRANSACTION),
        rss_bytes: process.memoryUsage.rss(),
        memory_pressure: this.memory.pressure,
        memory_pressure_epoch: this.memory.epoch,
        cpu_msecs: Math.round((cpu.user + cpu.system) / 1000),
        uptime_msecs: now - c.startTime,
        start_time: Math.floor(c.startTime / 1000),
        incarnation_uuid: c.incarnationUuid,
        initial_start_time: Math.floor(c.startTime / 1000),
        storage_bytes: this.storageBytes(),
        storage_mb_secs: 0,
        runtime_elapsed_msecs: now - c.startTime,
        buffered_input_records: flow?.bufferedRecords ?? 0,
        buffered_input_bytes: flow?.bufferedBytes ?? 0,
        total_input_records: plane?.totalInputRecords ?? 0,
        total_input_bytes: plane?.totalInputBytes ?? 0,
        total_processed_records: plane?.totalProcessedRecords ?? 0,
        total_processed_bytes: plane?.totalInputBytes ?? 0,
        total_completed_records: plane?.totalProcessedRecords ?? 0,
        output_stall_msecs: 0,
        total_initiated_steps: plane?.completedSteps ?? 0,
        total_completed_steps: plane?.completedSteps ?? 0,
        pipeline_complete: (connectors?.finished && plane?.isDrained()) === true,
      },
      inputs: [
        ...(connectors?.inputStatuses() ?? []).map((st) =>
          withErrors(st, includeErrors, ['parse_errors', 'transport_errors']),
        ),
        ...(plane?.httpInputs.list() ?? []).map((e) =>
          e.status(plane?.queuedRecordsOf(e.table) ?? 0, c.runtimeStatus !== 'Running', includeErrors),
        ),
      ],
      outputs: [
        ...(connectors?.outputStatuses() ?? []).map((st) =>
          withErrors(st, includeErrors, ['encode_errors', 'transport_errors']),
        ),
        ...(plane?.egressSubscribers() ?? []).map((sub) => outputStatus(sub, plane!)),
      ],
      suspend_error: null,
    };
  }

  /**
   * The process's metrics (see metrics.ts for the formats). `records_processed_total` and
   * the `process_*` names are Feldera's (its platform test and dashboards read them), as are
   * the `checkpoint_sync_{push,pull}_*` family (sync-metrics.ts); the other names are
   * Sluice's own.
   */
  metrics(): Metric[] {
    const c = this.controller;
    const plane = c.hasDataPlane ? c.dataPlane : null;
    const cpu = process.cpuUsage();
    const one = (value: number) => [{ labels: {}, value }];
    const list: Metric[] = [
      {
        key: 'records_processed_total',
        type: 'counter',
        description: 'Total number of input records processed by the circuit.',
        values: one(plane?.totalProcessedRecords ?? 0),
      },
      {
        key: 'records_input_total',
        type: 'counter',
        description: 'Total number of records received by all inputs.',
        values: one(plane?.totalInputRecords ?? 0),
      },
      {
        key: 'steps_total',
        type: 'counter',
        description: 'Total number of circuit steps completed.',
        values: one(plane?.completedSteps ?? 0),
      },
      {
        key: 'process_cpu_seconds_total',
        type: 'counter',
        description: 'Total user and system CPU time spent in seconds.',
        values: one((cpu.user + cpu.system) / 1e6),
      },
      {
        key: 'process_resident_memory_bytes',
        type: 'gauge',
        description: 'Resident memory size in bytes.',
        values: one(process.memoryUsage.rss()),
      },
      {
        key: 'process_start_time_seconds',
        type: 'gauge',
        description: 'Start time of the process since unix epoch in seconds.',
        values: one(Math.floor(c.startTime / 1000)),
      },
    ];
    return [...list, ...c.compaction.metrics(), ...(c.syncMetrics ?? new SyncMetrics()).metrics()];
  }
}
