/**
 * `GET /stats` (the reference's `ControllerStatus`) and `GET /metrics` (Prometheus text) of a
 * pipeline process, from the controller's real counters and the process's own resource use.
 */
import type { Controller } from './controller.js';

/** Builds the stats documents of one pipeline process. */
export class ControllerStats {
  constructor(private readonly controller: Controller) {}

  controllerStatus(): Record<string, unknown> {
    const c = this.controller;
    const cpu = process.cpuUsage();
    const now = Date.now();
    return {
      global_metrics: {
        state: c.runtimeStatus === 'Paused' ? 'Paused' : 'Running',
        bootstrap_in_progress: false,
        transaction_status: 'NoTransaction',
        transaction_id: 0,
        transaction_initiators: { transaction_id: null, initiated_by_api: null, initiated_by_connectors: {} },
        rss_bytes: process.memoryUsage.rss(),
        memory_pressure: 'Low',
        memory_pressure_epoch: 0,
        cpu_msecs: Math.round((cpu.user + cpu.system) / 1000),
        uptime_msecs: now - c.startTime,
        start_time: Math.floor(c.startTime / 1000),
        incarnation_uuid: c.incarnationUuid,
        initial_start_time: Math.floor(c.startTime / 1000),
        storage_bytes: 0,
        storage_mb_secs: 0,
        runtime_elapsed_msecs: now - c.startTime,
        buffered_input_records: 0,
        buffered_input_bytes: 0,
        total_input_records: 0,
        total_input_bytes: 0,
        total_processed_records: 0,
        total_processed_bytes: 0,
        total_completed_records: 0,
        output_stall_msecs: 0,
        total_initiated_steps: 0,
        total_completed_steps: 0,
        pipeline_complete: false,
      },
      inputs: [],
      outputs: [],
      checkpoint_activity: { status: 'idle' },
      suspend_error: null,
      permanent_checkpoint_errors: null,
    };
  }

  prometheus(): string {
    const g = this.controllerStatus().global_metrics as Record<string, number>;
    const lines: string[] = [];
    const metric = (name: string, help: string, type: 'gauge' | 'counter', value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    metric(
      'sluice_pipeline_rss_bytes',
      'Resident set size of the pipeline process',
      'gauge',
      g.rss_bytes ?? 0,
    );
    metric(
      'sluice_pipeline_uptime_msecs',
      'Milliseconds since the pipeline process started',
      'gauge',
      g.uptime_msecs ?? 0,
    );
    metric(
      'sluice_pipeline_input_records_total',
      'Records received by all inputs',
      'counter',
      g.total_input_records ?? 0,
    );
    metric(
      'sluice_pipeline_processed_records_total',
      'Records processed by the circuit',
      'counter',
      g.total_processed_records ?? 0,
    );
    metric('sluice_pipeline_steps_total', 'Completed circuit steps', 'counter', g.total_completed_steps ?? 0);
    return `${lines.join('\n')}\n`;
  }
}
