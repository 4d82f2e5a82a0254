/**
 * The runner: reconciles each pipeline's desired deployment state with what it observes.
 *
 * The API only writes desired states (`deployment_resources_desired_status`,
 * `deployment_runtime_desired_status`) to the metadata store; the runner, on every tick and
 * whenever it is woken, compares them with the process it observes through the executor and
 * takes one step towards the desired state:
 *
 *   resources  Stopped ──spawn──▶ Provisioning ──process answers──▶ Provisioned
 *                 ▲                                                    │
 *                 └──────────── process gone ◀── Stopping ◀── stop / fatal error
 *   runtime    Initializing → Running ⇄ Paused, Standby → Running, → Suspended (then exits)
 *
 * Because all of its knowledge is either in the store or re-observable (pid, port file,
 * `/status`), a restarted manager adopts the processes that still run and restarts those
 * that should run but are gone. A process that exits on its own is reported with its exit
 * status and the tail of its log in `deployment_error`; one that stops answering is shown
 * `Unavailable` after a few seconds and killed after `unreachableTimeoutMs`. A process without
 * storage that rejected an input stays alive and Paused with the error in its `/status`
 * (runtime/controller.ts): the runner shows it as `deployment_error`, sets the desired runtime
 * status to Paused so that it does not resume the pipeline by itself, and clears the error once
 * the process reports it gone (after `/resume`).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError, type ErrorBody } from '../../types/errors.js';
import type { RuntimeStatus } from '../../types/pipeline.js';
import { PIPELINE_FILES, PROCESS_CONTROL, type ProcessStatus } from '../../types/runtime.js';
import { collectSecrets } from '../../types/secrets.js';
import type { ManagerConfig } from '../config.js';
import { ensurePrivateDir, MANAGER_FILES } from '../data-dir.js';
import { nowIso, refreshDerivedStatus } from '../pipelines/record.js';
import { readStorageDetails } from '../pipelines/storage-details.js';
import type { DeploymentLocation, MetadataStore, PipelineRecord } from '../store/types.js';
import type { PipelineExecutor } from './executor.js';
import { diedOfHeapExhaustion, heapExhaustionMessage } from './exit-cause.js';
import { appendLifecycle, rotateLog, tailLines } from './pipeline-log.js';

const STOP_GRACE_MS = 5000;
const LOG_TAIL_LINES = 20;
/** How far back a crash's log is searched for V8's out-of-memory message (its native stack follows it). */
const CRASH_SCAN_LINES = 100;

/** What the runner remembers about a deployment between ticks (lost on restart, re-observed). */
interface Observation {
  deploymentId: string;
  since: number;
  lastContact: number;
  stoppingSince: number | null;
  requested: string | null;
}

/** Reconciles desired and observed deployment state of every pipeline. */
export class PipelineRunner {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<string>();
  private readonly observations = new Map<string, Observation>();
  private readonly adopted = new Set<string>();

  constructor(
    private readonly config: ManagerConfig,
    private readonly store: MetadataStore,
    readonly executor: PipelineExecutor,
    private readonly log: FastifyBaseLogger,
  ) {}

  pipelineDir(id: string): string {
    return join(this.config.dataDir, MANAGER_FILES.pipelines, id);
  }

  logPath(id: string): string {
    return join(this.pipelineDir(id), PIPELINE_FILES.log);
  }

  start(): void {
    this.timer = setInterval(() => void this.tickAll(), this.config.pollIntervalMs);
    void this.tickAll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reconciles one pipeline soon (after an API call changed its desired state). */
  wake(id: string): void {
    setImmediate(() => void this.reconcile(id));
  }

  /** When the reconcile loop last read the pipelines (ms since the epoch); for cluster health. */
  lastPassAt: number | null = null;

  private async tickAll(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.store.transaction(async (tx) => (await tx.listPipelines()).map((p) => p.id));
    } catch (err) {
      this.log.error({ err }, 'runner could not list pipelines');
      return;
    }
    this.lastPassAt = Date.now();
    await Promise.all(ids.map((id) => this.reconcile(id)));
  }

  /** Reads, mutates and writes one pipeline in a transaction; returns the updated record. */
  private async update(
    id: string,
    fn: (rec: PipelineRecord, now: string) => void,
  ): Promise<PipelineRecord | null> {
    return this.store.transaction(async (tx) => {
      const rec = await tx.getPipelineById(id);
      if (!rec) return null;
      const now = nowIso();
      fn(rec, now);
      refreshDerivedStatus(rec, now);
      await tx.updatePipeline(rec);
      return rec;
    });
  }

  private lifecycle(rec: PipelineRecord, message: string): void {
    this.log.info({ pipeline: rec.name }, message);
    try {
      appendLifecycle(this.logPath(rec.id), message);
    } catch {
      // The pipeline directory may already be gone (pipeline deleted); the manager log has it.
    }
  }

  async reconcile(id: string): Promise<void> {
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    try {
      const rec = await this.store.transaction((tx) => tx.getPipelineById(id));
      if (!rec) return;
      await this.step(rec);
    } catch (err) {
      this.log.error({ err, pipeline: id }, 'reconcile failed');
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async step(rec: PipelineRecord): Promise<void> {
    if (rec.storage_status === 'Clearing') return this.clearStorage(rec);
    switch (rec.deployment_resources_status) {
      case 'Stopped':
        if (rec.deployment_resources_desired_status === 'Provisioned') await this.provision(rec);
        return;
      case 'Provisioning':
        return this.whileProvisioning(rec);
      case 'Provisioned':
        return this.whileProvisioned(rec);
      case 'Stopping':
        return this.whileStopping(rec);
    }
  }

  private async provision(rec: PipelineRecord): Promise<void> {
    const compiling = ['Pending', 'CompilingSql', 'SqlCompiled', 'CompilingRust'];
    if (compiling.includes(rec.program_status)) return;
    if (rec.program_status !== 'Success') {
      await this.fail(rec, {
        message: `Cannot start pipeline '${rec.name}': its program did not compile (program_status ${rec.program_status}). See program_error.`,
        error_code: 'CannotStartWithCompilationError',
        details: { program_status: rec.program_status },
      });
      return;
    }
    const dir = this.pipelineDir(rec.id);
    ensurePrivateDir(dir);
    ensurePrivateDir(join(dir, 'storage'));
    rotateLog(this.logPath(rec.id));
    rmSync(join(dir, PIPELINE_FILES.runtime), { force: true });
    rmSync(join(dir, PIPELINE_FILES.fatal), { force: true });
    rmSync(join(dir, PIPELINE_FILES.busy), { force: true });
    const deploymentId = randomUUID();
    const initial =
      rec.deployment_initial === 'Paused' || rec.deployment_initial === 'Standby'
        ? rec.deployment_initial
        : 'Running';
    this.lifecycle(rec, `provisioning pipeline process (deployment ${deploymentId}, initial ${initial})`);
    let location: DeploymentLocation;
    try {
      location = await this.executor.spawn({
        pipelineId: rec.id,
        pipelineName: rec.name,
        deploymentId,
        programCode: rec.program_code,
        runtimeConfig: rec.runtime_config,
        initial,
        bootstrapPolicy: rec.bootstrap_policy ?? 'await_approval',
        silentBootstrap: rec.silent_bootstrap ?? false,
        pipelineDir: dir,
      });
    } catch (err) {
      // The executor refuses a configuration it must not run (a forbidden environment
      // variable of a record stored before the rule): a deployment error, not a retry loop.
      if (err instanceof ApiError) return this.fail(rec, err.toBody());
      throw err;
    }
    const now = Date.now();
    this.observations.set(rec.id, {
      deploymentId,
      since: now,
      lastContact: now,
      stoppingSince: null,
      requested: null,
    });
    this.adopted.add(rec.id);
    await this.update(rec.id, (r, ts) => {
      r.deployment_id = deploymentId;
      r.deployment_location = location;
      r.deployment_resources_status = 'Provisioning';
      r.deployment_resources_status_since = ts;
      r.deployment_runtime_status = null;
      r.deployment_runtime_status_since = null;
      r.storage_status = 'InUse';
      r.storage_status_details = readStorageDetails(join(dir, 'storage'));
    });
  }

  private observation(rec: PipelineRecord): Observation {
    let obs = this.observations.get(rec.id);
    if (!obs || obs.deploymentId !== rec.deployment_id) {
      const now = Date.now();
      obs = {
        deploymentId: rec.deployment_id ?? '',
        since: now,
        lastContact: now,
        stoppingSince: null,
        requested: null,
      };
      this.observations.set(rec.id, obs);
    }
    return obs;
  }

  /** A pipeline found deployed by a manager that just started: adopt it or restart it. */
  private async adopt(rec: PipelineRecord): Promise<boolean> {
    if (this.adopted.has(rec.id)) return true;
    this.adopted.add(rec.id);
    const location = rec.deployment_location;
    const alive = location !== null && this.executor.isAlive(location);
    const status = alive ? await this.probe(rec) : null;
    if (status && status.deployment_id === rec.deployment_id) {
      this.lifecycle(rec, `manager restarted: adopted running pipeline process (pid ${location?.pid})`);
      return true;
    }
    if (alive && location) this.executor.kill(location, 'SIGKILL');
    this.lifecycle(rec, 'manager restarted: the pipeline process is gone; starting it again');
    await this.update(rec.id, (r, ts) => {
      r.deployment_resources_status = 'Stopped';
      r.deployment_resources_status_since = ts;
      r.deployment_runtime_status = null;
      r.deployment_runtime_status_since = null;
      r.deployment_location = null;
      if (r.deployment_runtime_desired_status === 'Suspended') {
        r.deployment_resources_desired_status = 'Stopped';
        r.deployment_runtime_desired_status = null;
      }
    });
    return false;
  }

  private async probe(rec: PipelineRecord): Promise<ProcessStatus | null> {
    const location = rec.deployment_location;
    if (!location || location.port === null) return null;
    try {
      const res = await this.executor.request(location, 'GET', PROCESS_CONTROL.status, { timeoutMs: 2000 });
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
      if (res.status !== 200) return null;
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ProcessStatus;
    } catch {
      return null;
    }
  }

  private async control(rec: PipelineRecord, path: string): Promise<void> {
    const location = rec.deployment_location;
    if (!location) return;
    try {
      const res = await this.executor.request(location, 'POST', path, { timeoutMs: 5000 });
      res.body.resume();
    } catch (err) {
      this.log.warn({ err, pipeline: rec.name, path }, 'control request to pipeline failed; will retry');
      const obs = this.observations.get(rec.id);
      if (obs) obs.requested = null;
    }
  }

  /**
   * The location of a deployed pipeline whose process should keep going, or null after
   * handling the cases where it should not: found by a restarted manager and gone, no
   * location, asked to stop, or exited.
   */
  private async liveLocation(rec: PipelineRecord): Promise<DeploymentLocation | null> {
    if (!(await this.adopt(rec))) return null;
    const location = rec.deployment_location;
    if (!location) await this.markStopped(rec);
    else if (rec.deployment_resources_desired_status === 'Stopped') await this.beginStopping(rec);
    else if (!this.executor.isAlive(location)) await this.processGone(rec);
    else return location;
    return null;
  }

  private async whileProvisioning(rec: PipelineRecord): Promise<void> {
    const location = await this.liveLocation(rec);
    if (!location) return;
    const obs = this.observation(rec);
    if (location.port === null) {
      const port = await this.executor.discoverPort(location, this.pipelineDir(rec.id), obs.deploymentId);
      if (port !== null) {
        await this.update(rec.id, (r) => {
          if (r.deployment_location) r.deployment_location.port = port;
        });
        return this.reconcileSoon(rec.id);
      }
    } else {
      const status = await this.probe(rec);
      if (status) {
        obs.lastContact = Date.now();
        this.lifecycle(rec, `pipeline process is up on 127.0.0.1:${location.port} (pid ${location.pid})`);
        await this.update(rec.id, (r, ts) => {
          r.deployment_resources_status = 'Provisioned';
          r.deployment_resources_status_since = ts;
          this.setRuntimeStatus(r, status.runtime_status, status.details, ts);
        });
        return;
      }
    }
    if (Date.now() - obs.since > this.config.provisioningTimeoutMs) {
      this.executor.kill(location, 'SIGKILL');
      await this.fail(rec, {
        message: `Pipeline process did not come up within ${this.config.provisioningTimeoutMs} ms`,
        error_code: 'PipelineProvisioningTimeout',
        details: { log_tail: this.logTail(rec) },
      });
    }
  }

  private reconcileSoon(id: string): void {
    setTimeout(() => void this.reconcile(id), 20);
  }

  private setRuntimeStatus(r: PipelineRecord, status: RuntimeStatus, details: unknown, ts: string): void {
    if (r.deployment_runtime_status !== status) {
      r.deployment_runtime_status = status;
      r.deployment_runtime_status_since = ts;
    }
    r.deployment_runtime_status_details = details ?? null;
  }

  private async whileProvisioned(rec: PipelineRecord): Promise<void> {
    const location = await this.liveLocation(rec);
    if (!location) return;
    const obs = this.observation(rec);
    const status = await this.probe(rec);
    if (!status || status.deployment_id !== rec.deployment_id) {
      const busy = this.readBusy(rec);
      if (busy) {
        // Silent on purpose (e.g. capturing a large checkpoint): not a hang.
        obs.lastContact = Date.now();
        return;
      }
      const silentFor = Date.now() - obs.lastContact;
      if (silentFor > this.config.unreachableTimeoutMs) {
        this.executor.kill(location, 'SIGKILL');
        await this.fail(rec, {
          message: `Pipeline process stopped answering for ${Math.round(silentFor / 1000)} s and was killed`,
          error_code: 'PipelineUnresponsive',
          details: { pid: location.pid, log_tail: this.logTail(rec) },
        });
      } else if (
        silentFor > this.config.unavailableAfterMs &&
        rec.deployment_runtime_status !== 'Unavailable'
      ) {
        this.lifecycle(rec, `pipeline process has not answered for ${Math.round(silentFor / 1000)} s`);
        await this.update(rec.id, (r, ts) =>
          this.setRuntimeStatus(
            r,
            'Unavailable',
            { reason: `no answer from the pipeline process for ${silentFor} ms` },
            ts,
          ),
        );
      }
      return;
    }
    obs.lastContact = Date.now();
    // Feldera lists a checkpoint in storage_status_details as soon as the running pipeline has
    // taken it, not only once it stops.
    const storage = readStorageDetails(join(this.pipelineDir(rec.id), 'storage'));
    const storageChanged = JSON.stringify(storage) !== JSON.stringify(rec.storage_status_details);
    if (
      status.runtime_status !== rec.deployment_runtime_status ||
      status.details !== null ||
      storageChanged
    ) {
      await this.update(rec.id, (r, ts) => {
        this.setRuntimeStatus(r, status.runtime_status, status.details, ts);
        if (r.storage_status === 'InUse') r.storage_status_details = storage;
      });
    }
    if (await this.heldError(rec, status)) {
      // The desired state changed under the control request last sent: send the next one afresh.
      obs.requested = null;
      return;
    }
    await this.driveRuntime(rec, status.runtime_status, obs);
  }

  /**
   * Mirrors the error a live process is paused with (a rejected input, without storage) into
   * `deployment_error`, pausing the desired state so the pipeline is not resumed behind the
   * user's back; clears it once the process no longer reports it. True when it changed the
   * record (the caller then waits for the next tick to act on the new desired state).
   */
  private async heldError(rec: PipelineRecord, status: ProcessStatus): Promise<boolean> {
    const held =
      status.error?.error_code === 'InputRejected' && status.runtime_status === 'Paused'
        ? status.error
        : null;
    const shown = rec.deployment_error;
    if (held && shown?.message !== held.message) {
      this.lifecycle(rec, `pipeline paused by a rejected input: ${held.message}`);
      await this.update(rec.id, (r, ts) => {
        r.deployment_error = held;
        r.deployment_runtime_desired_status = 'Paused';
        r.deployment_runtime_desired_status_since = ts;
      });
      return true;
    }
    const ownHeld =
      shown?.error_code === 'InputRejected' &&
      (shown.details as { deployment_id?: string } | null)?.deployment_id === rec.deployment_id;
    if (!held && status.error === null && ownHeld) {
      this.lifecycle(rec, 'pipeline resumed without the rejected input; its deployment error is cleared');
      await this.update(rec.id, (r) => {
        r.deployment_error = null;
      });
      return true;
    }
    return false;
  }

  /** Sends the control request that moves the runtime towards its desired status. */
  private async driveRuntime(rec: PipelineRecord, actual: RuntimeStatus, obs: Observation): Promise<void> {
    const desired = rec.deployment_runtime_desired_status;
    let path: string | null = null;
    if (desired === 'Suspended' && actual !== 'Suspended') path = PROCESS_CONTROL.suspend;
    else if (desired === 'Running' && actual === 'Paused') path = PROCESS_CONTROL.resume;
    else if (desired === 'Paused' && actual === 'Running') path = PROCESS_CONTROL.pause;
    else if ((desired === 'Running' || desired === 'Paused') && actual === 'Standby')
      path = PROCESS_CONTROL.activate;
    if (path === null) {
      obs.requested = null;
      return;
    }
    const key = `${path}:${desired}`;
    if (obs.requested === key) return;
    obs.requested = key;
    this.lifecycle(rec, `asking the pipeline process: ${path}`);
    await this.control(rec, path);
  }

  private async beginStopping(rec: PipelineRecord): Promise<void> {
    const location = rec.deployment_location;
    if (!location) return this.markStopped(rec);
    this.lifecycle(rec, 'stopping pipeline process');
    this.executor.kill(location, 'SIGTERM');
    this.observation(rec).stoppingSince = Date.now();
    await this.update(rec.id, (r, ts) => {
      r.deployment_resources_status = 'Stopping';
      r.deployment_resources_status_since = ts;
    });
  }

  private async whileStopping(rec: PipelineRecord): Promise<void> {
    const location = rec.deployment_location;
    if (!location || !this.executor.isAlive(location)) return this.markStopped(rec);
    const obs = this.observation(rec);
    obs.stoppingSince ??= Date.now();
    if (Date.now() - obs.stoppingSince > STOP_GRACE_MS) {
      this.lifecycle(rec, 'pipeline process did not exit after SIGTERM; sending SIGKILL');
      this.executor.kill(location, 'SIGKILL');
    }
  }

  private async markStopped(rec: PipelineRecord): Promise<void> {
    this.observations.delete(rec.id);
    rmSync(join(this.pipelineDir(rec.id), PIPELINE_FILES.runtime), { force: true });
    if (rec.deployment_resources_status !== 'Stopped') this.lifecycle(rec, 'pipeline stopped');
    await this.update(rec.id, (r, ts) => {
      if (r.deployment_resources_status !== 'Stopped') r.deployment_resources_status_since = ts;
      r.deployment_resources_status = 'Stopped';
      r.deployment_resources_desired_status = 'Stopped';
      r.deployment_runtime_status = null;
      r.deployment_runtime_status_details = null;
      r.deployment_runtime_status_since = null;
      r.deployment_runtime_desired_status = null;
      r.deployment_runtime_desired_status_since = null;
      r.deployment_location = null;
      r.deployment_id = null;
      r.deployment_initial = null;
      r.bootstrap_policy = null;
      r.silent_bootstrap = null;
      if (r.storage_status === 'InUse')
        r.storage_status_details = readStorageDetails(join(this.pipelineDir(r.id), 'storage'));
    });
  }

  /** The process exited without being asked to stop: a clean suspend, or a crash. */
  private async processGone(rec: PipelineRecord): Promise<void> {
    const location = rec.deployment_location;
    const exit = location ? this.executor.exitInfo(location) : null;
    const fatal = this.readFatal(rec);
    const suspending = rec.deployment_runtime_desired_status === 'Suspended';
    if (!fatal && suspending && (exit === null || exit.code === 0)) {
      this.lifecycle(rec, 'pipeline suspended');
      return this.markStopped(rec);
    }
    const how = exit
      ? exit.signal
        ? `was killed by ${exit.signal}`
        : `exited with code ${exit.code}`
      : 'is gone';
    const details = {
      exit_code: exit?.code ?? null,
      signal: exit?.signal ?? null,
      log_tail: this.logTail(rec),
    };
    const outOfMemory =
      !fatal && diedOfHeapExhaustion(exit, tailLines(this.logPath(rec.id), CRASH_SCAN_LINES));
    const resources = rec.runtime_config.resources as { memory_mb_max?: number | null } | undefined;
    const memoryMbMax = resources?.memory_mb_max ?? null;
    await this.fail(
      rec,
      fatal
        ? { ...fatal, details: { ...(fatal.details as object), ...details } }
        : outOfMemory
          ? {
              message: heapExhaustionMessage(memoryMbMax),
              error_code: 'PipelineProcessExited',
              details: { ...details, out_of_memory: true, memory_mb_max: memoryMbMax },
            }
          : { message: `Pipeline process ${how} unexpectedly`, error_code: 'PipelineProcessExited', details },
    );
  }

  /** What the process said it is busy with while it does not answer, if anything (runtime/controller.ts). */
  private readBusy(rec: PipelineRecord): { reason: string } | null {
    try {
      const busy = JSON.parse(readFileSync(join(this.pipelineDir(rec.id), PIPELINE_FILES.busy), 'utf8')) as {
        deployment_id: string;
        reason: string;
      };
      return busy.deployment_id === rec.deployment_id ? busy : null;
    } catch {
      return null;
    }
  }

  /** The fatal error the process reported before exiting, if it did (see runtime/controller.ts). */
  private readFatal(rec: PipelineRecord): ErrorBody | null {
    const path = join(this.pipelineDir(rec.id), PIPELINE_FILES.fatal);
    if (!existsSync(path)) return null;
    try {
      const body = JSON.parse(readFileSync(path, 'utf8')) as ErrorBody & {
        details?: { deployment_id?: string };
      };
      return body.details?.deployment_id === rec.deployment_id ? body : null;
    } catch {
      return null;
    }
  }

  private logTail(rec: PipelineRecord): string[] {
    const secrets = collectSecrets(rec.runtime_config);
    return tailLines(this.logPath(rec.id), LOG_TAIL_LINES).map((line) =>
      secrets.reduce((l, s) => l.split(s).join('<redacted>'), line),
    );
  }

  /** Records a deployment error and brings the pipeline to Stopped. */
  private async fail(rec: PipelineRecord, error: ErrorBody): Promise<void> {
    this.lifecycle(rec, `deployment error: ${error.message}`);
    const location = rec.deployment_location;
    const stillAlive = location !== null && this.executor.isAlive(location);
    if (stillAlive && location) this.executor.kill(location, 'SIGKILL');
    await this.update(rec.id, (r, ts) => {
      r.deployment_error = error;
      r.deployment_resources_desired_status = 'Stopped';
      r.deployment_resources_desired_status_since = ts;
      r.deployment_runtime_desired_status = null;
      r.deployment_runtime_desired_status_since = null;
      r.deployment_resources_status = stillAlive ? 'Stopping' : r.deployment_resources_status;
    });
    if (!stillAlive) {
      const fresh = await this.store.transaction((tx) => tx.getPipelineById(rec.id));
      if (fresh) await this.markStopped(fresh);
    }
  }

  private async clearStorage(rec: PipelineRecord): Promise<void> {
    this.lifecycle(rec, 'clearing storage');
    rmSync(join(this.pipelineDir(rec.id), 'storage'), { recursive: true, force: true });
    await this.update(rec.id, (r) => {
      r.storage_status = 'Cleared';
      r.storage_status_details = null;
    });
    this.lifecycle(rec, 'storage cleared');
  }
}
