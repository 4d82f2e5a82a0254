/**
 * Pipeline monitor events (Feldera's `PipelineMonitorEvent`): a record of a pipeline's
 * statuses, kept each time one of them changes, so that clients can see its history
 * (`GET /v0/pipelines/{name}/events`).
 *
 * Feldera samples every pipeline every few seconds and stores an event when a status changed
 * (or after 10 s if only details changed, or 10 minutes of nothing). Sluice's store sees every
 * write of a pipeline, so it stores an event exactly when a status or the presence of a
 * deployment error changes: the same history without sampling. The newest
 * `PIPELINE_EVENTS_KEPT` are kept per pipeline (Feldera keeps about 720).
 */
import type { PipelineMonitorEvent, PipelineRecord } from './types.js';

export const PIPELINE_EVENTS_KEPT = 720;

/** The fields `selector=status` leaves out (the details and the error body). */
export const EVENT_DETAIL_FIELDS = [
  'deployment_resources_status_details',
  'deployment_runtime_status_details',
  'deployment_error',
  'storage_status_details',
] as const;

/** What an event is stored for: two records with the same key need no new event. */
export function monitoredStatus(rec: PipelineRecord): string {
  return JSON.stringify([
    rec.deployment_resources_status,
    rec.deployment_resources_desired_status,
    rec.deployment_runtime_status,
    rec.deployment_runtime_desired_status,
    rec.deployment_error !== null,
    rec.program_status,
    rec.storage_status,
  ]);
}

export function monitorEvent(rec: PipelineRecord, eventId: string, now: string): PipelineMonitorEvent {
  return {
    event_id: eventId,
    recorded_at: now,
    deployment_resources_status: rec.deployment_resources_status,
    deployment_resources_status_details: rec.deployment_resources_status_details,
    deployment_resources_desired_status: rec.deployment_resources_desired_status,
    deployment_runtime_status: rec.deployment_runtime_status,
    deployment_runtime_status_details: rec.deployment_runtime_status_details,
    deployment_runtime_desired_status: rec.deployment_runtime_desired_status,
    deployment_has_error: rec.deployment_error !== null,
    deployment_error: rec.deployment_error,
    program_status: rec.program_status,
    storage_status: rec.storage_status,
    storage_status_details: rec.storage_status_details,
  };
}
