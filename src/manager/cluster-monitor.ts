/**
 * Cluster health as Feldera reports it (`GET /v0/cluster_healthz`, `/v0/cluster/events`):
 * the API, the compiler and the runner, each healthy or not.
 *
 * In Sluice all three live in the manager process, so a check is cheap and run on demand:
 * - api: the metadata store answers a read;
 * - compiler: the SQL compiler runs in the manager process, so it is up whenever the API is;
 * - runner: its reconcile loop read the pipelines recently (within ten poll intervals, at
 *   least 10 s).
 * As in Feldera, an event is kept when the overall health changes or 10 minutes after the
 * last one; the newest 1,000 are kept, in memory (they describe this manager process, and a
 * restarted manager starts with a fresh first event).
 */
import { randomUUID } from 'node:crypto';
import type { ManagerContext } from './app.js';

export type MonitorStatus = 'InitialUnhealthy' | 'Unhealthy' | 'Healthy';

export interface ServiceStatus {
  healthy: boolean;
  message: string;
  unchanged_since: string;
  checked_at: string;
}

export interface HealthStatus {
  all_healthy: boolean;
  api: ServiceStatus;
  compiler: ServiceStatus;
  runner: ServiceStatus;
}

/** Feldera's `ClusterMonitorEventSelectedInfo` with every field (`selector=all`). */
export interface ClusterMonitorEvent {
  id: string;
  recorded_at: string;
  all_healthy: boolean;
  api_status: MonitorStatus;
  api_self_info: string;
  api_resources_info: string;
  compiler_status: MonitorStatus;
  compiler_self_info: string;
  compiler_resources_info: string;
  runner_status: MonitorStatus;
  runner_self_info: string;
  runner_resources_info: string;
}

const SERVICES = ['api', 'compiler', 'runner'] as const;
const EVENT_EVERY_MS = 10 * 60 * 1000;
const EVENTS_KEPT = 1000;

export class ClusterMonitor {
  private readonly events: ClusterMonitorEvent[] = [];
  private last: HealthStatus | null = null;

  constructor(private readonly ctx: ManagerContext) {}

  private async probe(): Promise<Record<(typeof SERVICES)[number], { healthy: boolean; message: string }>> {
    let api = { healthy: true, message: 'The API answers and reads the metadata store.' };
    try {
      await this.ctx.store.transaction((tx) => tx.listApiKeys());
    } catch (err) {
      api = { healthy: false, message: `The metadata store cannot be read: ${(err as Error).message}` };
    }
    const compiler = { healthy: true, message: 'The SQL compiler runs inside the manager process.' };
    const limitMs = Math.max(10 * this.ctx.config.pollIntervalMs, 10_000);
    const lastPass = this.ctx.runner.lastPassAt;
    const runner =
      lastPass !== null && Date.now() - lastPass <= limitMs
        ? { healthy: true, message: 'The pipeline runner reconciles pipelines.' }
        : {
            healthy: false,
            message:
              lastPass === null
                ? 'The pipeline runner has not reconciled pipelines yet.'
                : `The pipeline runner has not reconciled pipelines for ${Math.round((Date.now() - lastPass) / 1000)} s.`,
          };
    return { api, compiler, runner };
  }

  /** Checks every service now, and keeps an event if the health changed or one is due. */
  async check(): Promise<HealthStatus> {
    const now = new Date().toISOString();
    const probed = await this.probe();
    const status = (service: (typeof SERVICES)[number]): ServiceStatus => {
      const before = this.last?.[service];
      const { healthy, message } = probed[service];
      const unchanged = before && before.healthy === healthy && before.message === message;
      return { healthy, message, unchanged_since: unchanged ? before.unchanged_since : now, checked_at: now };
    };
    const health: HealthStatus = {
      all_healthy: SERVICES.every((s) => probed[s].healthy),
      api: status('api'),
      compiler: status('compiler'),
      runner: status('runner'),
    };
    const newest = this.events[0];
    if (
      !newest ||
      newest.all_healthy !== health.all_healthy ||
      SERVICES.some((s) => this.last?.[s].healthy !== health[s].healthy) ||
      Date.now() - Date.parse(newest.recorded_at) >= EVENT_EVERY_MS
    ) {
      this.record(health, now);
    }
    this.last = health;
    return health;
  }

  private record(health: HealthStatus, now: string): void {
    const first = this.events.length === 0;
    const monitor = (s: ServiceStatus): MonitorStatus =>
      s.healthy ? 'Healthy' : first ? 'InitialUnhealthy' : 'Unhealthy';
    const rss = `manager process: ${process.memoryUsage().rss} bytes resident`;
    this.events.unshift({
      id: randomUUID(),
      recorded_at: now,
      all_healthy: health.all_healthy,
      api_status: monitor(health.api),
      api_self_info: health.api.message,
      api_resources_info: rss,
      compiler_status: monitor(health.compiler),
      compiler_self_info: health.compiler.message,
      compiler_resources_info: rss,
      runner_status: monitor(health.runner),
      runner_self_info: health.runner.message,
      runner_resources_info: rss,
    });
    this.events.length = Math.min(this.events.length, EVENTS_KEPT);
  }

  /** The kept events, newest first (after a check, so that there is always one). */
  async list(): Promise<ClusterMonitorEvent[]> {
    await this.check();
    return [...this.events];
  }
}
