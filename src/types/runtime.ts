/**
 * The contract between the manager and a pipeline process (internal, loopback only).
 *
 * The process serves the public pipeline-interaction endpoints under the same paths the
 * manager exposes after `/v0/pipelines/{name}` (`/stats`, `/ingress/{table}`, ...), so the
 * manager's proxy forwards them verbatim, plus the control endpoints below.
 */
import type { ErrorBody } from './errors.js';
import type { BootstrapPolicy, RuntimeStatus } from './pipeline.js';

/**
 * Files in a pipeline's directory through which the runner and the process talk, and the
 * header carrying the per-deployment token on every manager → process request.
 */
export const PIPELINE_FILES = {
  /** Written by the runner: the deployment the process starts (mode 0600: it holds secrets). */
  deployment: 'deployment.json',
  /** Written (atomically) by the process once it listens: pid, port, deployment id. */
  runtime: 'runtime.json',
  /** Written by a process that hits a fatal error; the runner turns it into `deployment_error`. */
  fatal: 'fatal.json',
  /** Present while the process holds its event loop on purpose, so silence is not a hang. */
  busy: 'busy.json',
  /** The process's stdout/stderr and the runner's lifecycle lines. */
  log: 'pipeline.log',
  /**
   * Locked by the pipeline process for its lifetime (storage/dir-lock.ts), so that two
   * processes never share one pipeline's storage.
   */
  lock: 'pipeline.lock',
} as const;

/**
 * Modes of everything Sluice writes under its data directory: the metadata database holds
 * object-store secrets and deployment tokens, the pipeline directories hold state, journals
 * and logs, so nothing is readable by another OS user. The manager sets these modes
 * explicitly (it may be embedded in a process whose umask it does not own); the entry points
 * of the manager and of every pipeline process also set the umask, which covers the files
 * written by the storage layer and by libraries.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_UMASK = 0o077;
export const TOKEN_HEADER = 'x-sluice-token';

/** Everything a pipeline process needs to start: written by the runner, read by the process. */
export interface DeploymentSpec {
  pipelineId: string;
  pipelineName: string;
  deploymentId: string;
  programCode: string;
  runtimeConfig: Record<string, unknown>;
  /** The runtime status the process should reach once initialized. */
  initial: 'Running' | 'Paused' | 'Standby';
  /**
   * What to do when the checkpoint resumed from was taken by another program
   * (`/start?bootstrap_policy=`; absent in deployments of older managers: `await_approval`).
   */
  bootstrapPolicy?: BootstrapPolicy;
  /** `/start?silent_bootstrap=`: bootstrap without sending the backfilled view contents out. */
  silentBootstrap?: boolean;
  /** The pipeline's directory inside the data dir: storage, logs, runtime files. */
  pipelineDir: string;
}

/**
 * The V8 heap limit (MiB, for `--max-old-space-size`) of a pipeline process whose
 * `resources.memory_mb_max` is `memoryMbMax`: 60% of it; the rest is for buffers (the block
 * cache, batches in memory) and the merge worker (src/runtime/memory.ts). Null: no limit set.
 */
export function heapLimitMb(memoryMbMax: unknown): number | null {
  if (typeof memoryMbMax !== 'number' || !Number.isSafeInteger(memoryMbMax) || memoryMbMax <= 0) return null;
  return Math.max(64, Math.floor(memoryMbMax * 0.6));
}

/**
 * Semi-space (MiB) of a bounded pipeline process's young generation, which V8 sizes at three
 * semi-spaces on top of the old generation: 24 MiB instead of V8's default 48 for such heaps.
 * Measured (bench/README.md, "1 GiB under a 512 MiB limit"): with the smaller cache and
 * in-memory batch budgets of src/runtime/memory.ts, 38 MiB less peak RSS loading 250 MiB of
 * state under a 512 MiB limit, for about a tenth more CPU per row (more scavenges).
 */
export const BOUNDED_SEMI_SPACE_MB = 8;

/**
 * The `node` flags of a pipeline process whose `resources.memory_mb_max` is `memoryMbMax`:
 * the old generation's limit (`heapLimitMb`) and a smaller young generation; none without a
 * limit. The runner uses them, and so does bench/checkpoint to measure what a pipeline runs as
 * (both with `pipelineMallocEnv` in the environment).
 */
export function pipelineNodeFlags(memoryMbMax: unknown): string[] {
  const heapMb = heapLimitMb(memoryMbMax);
  if (heapMb === null) return [];
  return [`--max-old-space-size=${heapMb}`, `--max-semi-space-size=${BOUNDED_SEMI_SPACE_MB}`];
}

/** glibc's initial mmap and trim thresholds (bytes), kept fixed for bounded processes. */
const MALLOC_THRESHOLD_BYTES = 128 * 1024;

/**
 * glibc malloc settings (environment variables, read once when the process starts) of a
 * pipeline process whose `resources.memory_mb_max` is `memoryMbMax`; none without a limit.
 * - `MALLOC_ARENA_MAX=2`: glibc gives threads up to 8 arenas per core, and each thread that
 *   mallocs (the merge worker, V8's garbage-collector and compiler helpers) keeps the high
 *   water of its own arena resident; the helpers' arenas held ~15 MiB for ~2 MiB in use.
 * - `MALLOC_MMAP_THRESHOLD_` and `MALLOC_TRIM_THRESHOLD_` at glibc's initial 128 KiB: fixed,
 *   they stop glibc from raising them (up to 32 MiB) each time a large block is freed, so
 *   large buffers (a sealed head's records, a batch image, a merge's index) stay mmapped and go
 *   back to the system when freed instead of leaving holes in the heap that count as RSS.
 * Measured with bench/checkpoint/load-probe.ts (bench/README.md, memory section).
 * A user may not set `MALLOC_*` (src/manager/pipelines/pipeline-env.ts), so these hold.
 */
export function pipelineMallocEnv(memoryMbMax: unknown): Record<string, string> {
  if (heapLimitMb(memoryMbMax) === null) return {};
  return {
    MALLOC_ARENA_MAX: '2',
    MALLOC_MMAP_THRESHOLD_: String(MALLOC_THRESHOLD_BYTES),
    MALLOC_TRIM_THRESHOLD_: String(MALLOC_THRESHOLD_BYTES),
  };
}

/** `GET /status` of a pipeline process. */
export interface ProcessStatus {
  deployment_id: string;
  incarnation_uuid: string;
  runtime_status: RuntimeStatus;
  /** Set when the process hit a fatal error and is about to exit. */
  error: ErrorBody | null;
  /** Progress of a long operation (pull, checkpoint) while one runs. */
  details: unknown;
}

/** Control endpoints of a pipeline process, driven by the runner. */
export const PROCESS_CONTROL = {
  status: '/status',
  pause: '/pause',
  resume: '/resume',
  activate: '/activate',
  /** Lets a pipeline in `AwaitingApproval` bootstrap its modified program (`?silent_bootstrap=`). */
  approve: '/approve',
  /** Checkpoint (when storage allows) and exit; the status becomes `Suspended` first. */
  suspend: '/suspend',
} as const;
