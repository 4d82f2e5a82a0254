/**
 * The one error type of Sluice, and the registry of every error code it can send.
 *
 * Every 4xx/5xx response of the manager and of a pipeline process is an `ApiError` serialized
 * as `{message, error_code, details}` (Feldera's `ErrorResponse`). Codes are CamelCase and
 * follow Feldera's names where Feldera has one. A code must be registered here before it can
 * be thrown (the constructor's type only accepts registered codes), and `test/types/errors`
 * checks that each one is documented in docs/errors.md.
 */

/** Description of one error code: HTTP status and a sentence for the docs. */
export interface ErrorCodeInfo {
  status: number;
  description: string;
}

export const ERROR_CODES = {
  // Generic request problems.
  InvalidJson: { status: 400, description: 'The request body is not valid JSON.' },
  InvalidRequest: {
    status: 400,
    description:
      'The request does not match the schema of the endpoint (wrong type, missing or unknown field).',
  },
  RequestHeaderTooLarge: {
    status: 431,
    description: 'The request line (URL) or headers are larger than the server accepts.',
  },
  UriTooLong: { status: 414, description: 'A path segment of the URL is longer than 1024 characters.' },
  PayloadTooLarge: { status: 413, description: 'The request body is larger than the configured limit.' },
  UnsupportedMediaType: {
    status: 415,
    description: 'The request body has a content type the endpoint does not accept.',
  },
  NotFound: { status: 404, description: 'No route matches the method and path of the request.' },
  MethodNotAllowed: { status: 405, description: 'The path exists but not for this HTTP method.' },
  InternalError: {
    status: 500,
    description: 'An unexpected error inside Sluice; the message says what failed.',
  },

  // Authentication.
  Unauthorized: {
    status: 401,
    description: 'The request carries no credential, or a malformed, expired or unknown one.',
  },
  HostNotAllowed: {
    status: 403,
    description:
      'Authentication is off and the Host header names neither a loopback address, the --host address nor an --allowed-host (DNS rebinding guard).',
  },
  CrossOriginRequest: {
    status: 403,
    description:
      'A web page of another origin sent a request that could change state (Origin differs from Host, or Sec-Fetch-Site is cross-site or same-site).',
  },
  AuthProviderUnreachable: {
    status: 503,
    description:
      'The JWKS needed to verify a JWT could not be fetched from its URL; the request can be retried.',
  },

  // Pipeline CRUD.
  NameDoesNotMatchPattern: {
    status: 400,
    description:
      'A pipeline or API key name has characters outside [a-zA-Z0-9_-] (a pipeline name also cannot start or end with - or _).',
  },
  TooLongName: {
    status: 400,
    description: 'A pipeline or API key name is longer than 100 characters.',
  },
  DuplicateName: { status: 409, description: 'A pipeline or API key with that name already exists.' },
  UnknownPipelineName: { status: 404, description: 'No pipeline has that name.' },
  UpdateRestrictedToStopped: {
    status: 400,
    description: 'The pipeline definition can only be changed while the pipeline is stopped.',
  },
  DeleteRestrictedToFullyStopped: {
    status: 400,
    description: 'A pipeline can only be deleted when it is stopped and its storage is cleared.',
  },
  InvalidRuntimeConfig: {
    status: 400,
    description:
      "A field of `runtime_config` has an invalid value: of the wrong type, outside the range of the Rust type Feldera holds it in (e.g. `sync.transfers` is a u8, `storage.min_storage_bytes` a usize), or null where Feldera's type takes none. The message names the field and what it must be.",
  },
  EditRestrictedToClearedStorage: {
    status: 400,
    description:
      'While storage is in use (not cleared), `runtime_config.workers`, `hosts`, `fault_tolerance`, `resources.storage_mb_max`, `resources.storage_class` and `resources.namespace` cannot change: the stored state depends on them. `details.not_allowed` lists the refused fields in backticks. Clear storage first with `/clear`.',
  },
  InvalidProgramConfig: { status: 400, description: 'A field of `program_config` has an invalid value.' },
  CannotRenameNonExistingPipeline: {
    status: 400,
    description: 'PUT with a different name for an unknown pipeline.',
  },

  // API keys.
  UnknownApiKey: { status: 404, description: 'No API key has that name.' },

  // Lifecycle.
  IllegalPipelineAction: {
    status: 400,
    description: 'The action is not allowed in the current deployment state (the details say why).',
  },
  CannotStartWithCompilationError: {
    status: 400,
    description:
      'The pipeline cannot start because its program failed to compile (see `program_error`). Also the `deployment_error` of a pipeline started before its compilation failed.',
  },
  CannotStartWithUndismissedError: {
    status: 400,
    description:
      '`/start?dismiss_error=false` while the pipeline still has a `deployment_error`: dismiss it first (`/dismiss_error`) or start without `dismiss_error=false`.',
  },
  InitialImmutableUnlessStopped: {
    status: 400,
    description:
      'A second `/start` asked for another `initial` runtime status than the one the pipeline was started with; stop it first.',
  },
  BootstrapPolicyImmutableUnlessStopped: {
    status: 400,
    description:
      'A second `/start` asked for another `bootstrap_policy` than the one the pipeline was started with; stop it first.',
  },
  InitialStandbyNotAllowed: {
    status: 400,
    description:
      '`/start?initial=standby` needs `runtime_config.storage.backend.name` = `file` and a `runtime_config.storage.backend.config.sync` configuration.',
  },
  StorageStatusImmutableUnlessStopped: {
    status: 400,
    description:
      'Storage can only be cleared while the pipeline is stopped and meant to stay stopped (not while it runs, stops or is asked to start).',
  },
  UnknownPipelineMonitorEvent: {
    status: 404,
    description: 'The pipeline has no monitor event with that identifier (old events are cleaned up).',
  },
  UnknownClusterMonitorEvent: {
    status: 404,
    description: 'No cluster monitor event has that identifier (old events are cleaned up).',
  },
  InvalidUuidParam: {
    status: 400,
    description: 'A path parameter that must be a UUID (or `latest`) is not one.',
  },
  NoSamplyProfile: {
    status: 400,
    description:
      'The pipeline has no samply profile yet: start one with `POST /samply_profile?duration_secs=N`.',
  },
  SamplyProfilingInProgress: {
    status: 409,
    description:
      'A samply profile collection is already running; wait for it to end (`GET /samply_profile?latest=true`).',
  },
  SamplyProfilingFailure: {
    status: 500,
    description:
      "The pipeline's last samply profile collection failed; the details say why. The next successful one replaces the error.",
  },
  UnsupportedPipelineAction: {
    status: 405,
    description: 'The pipeline configuration does not support the action.',
  },

  // Deployment errors (reported in a pipeline's `deployment_error`, not as HTTP responses).
  PipelineProcessExited: {
    status: 500,
    description:
      'The pipeline process exited or was killed without being asked to; the details hold its log tail.',
  },
  PipelineFatalError: {
    status: 500,
    description:
      'The pipeline process hit a fatal error (e.g. a failed resume or step) and exited; the message says which.',
  },
  PipelineUnresponsive: {
    status: 500,
    description:
      'The pipeline process stopped answering for longer than the unreachable timeout and was killed.',
  },
  PipelineProvisioningTimeout: {
    status: 500,
    description: 'The pipeline process did not come up within the provisioning timeout.',
  },
  InputTransportError: {
    status: 500,
    description:
      "An input connector could not be opened when the pipeline started (e.g. a datagen plan names a field that is not a column, or file_input's file is unreadable); the pipeline stops with it.",
  },
  OutputTransportError: {
    status: 500,
    description:
      "An output connector could not be opened when the pipeline started (e.g. file_output's file cannot be created); the pipeline stops with it.",
  },

  // Interaction with a running pipeline.
  PipelineInteractionNotDeployed: {
    status: 503,
    description: 'The pipeline is not deployed (not running or paused), so it cannot be interacted with.',
  },
  PipelineInteractionUnreachable: {
    status: 503,
    description: 'The pipeline is deployed but its process did not answer.',
  },
  RunnerInteractionUnreachable: {
    status: 503,
    description: 'The manager could not read what the pipeline runner holds for it (e.g. its log file).',
  },
  IncarnationUuidMismatch: {
    status: 400,
    description: 'The `incarnation_uuid` given does not match the running pipeline process.',
  },

  // Data plane.
  UnknownInputTable: { status: 404, description: 'The program has no table with that name.' },
  UnknownInputEndpoint: {
    status: 404,
    description:
      "The table has no input connector with that name (Feldera's endpoint name is `{table}.{connector}`).",
  },
  UnknownOutputView: { status: 404, description: 'The program has no table or view with that name.' },
  UnknownOutputEndpoint: {
    status: 404,
    description:
      "The view has no output connector with that name (Feldera's endpoint name is `{view}.{connector}`).",
  },
  InvalidConnectorAction: {
    status: 400,
    description: 'A connector action other than `start` or `pause` was requested.',
  },
  ParseError: {
    status: 400,
    description: 'A record could not be parsed; nothing of the input it came in was applied.',
  },
  ParseErrors: {
    status: 400,
    description:
      "Records of an ingress request could not be parsed (Feldera's `ParseErrors`): `details.errors` lists them. With `array=true`, or when the body cannot be read past a bad record, nothing of the request was ingested; otherwise its good records were (`details.ingested_records`, `details.token`).",
  },
  InvalidFormat: {
    status: 400,
    description: 'The `format`, `update_format` or another format parameter is invalid.',
  },
  InvalidCompletionToken: {
    status: 400,
    description: 'The completion token is malformed or from another pipeline run.',
  },
  StaleCompletionToken: {
    status: 410,
    description: 'The completion token was issued by a previous incarnation of the pipeline process.',
  },
  'RuntimeError.WorkerPanic': {
    status: 500,
    description:
      "Feldera's code for a pipeline stopped by a failed step (e.g. an overflow or an out-of-range `ELEMENT`). In Sluice the failed step's input is rejected and named in the message and `details.rejected`; everything else accepted is kept in a checkpoint, which `/start` resumes from. The `deployment_error` of such a pipeline (a pipeline without storage pauses with `InputRejected` instead).",
  },
  UnstableFeatureDisabled: {
    status: 405,
    description:
      "The endpoint belongs to an unstable feature that is off (e.g. `POST /v0/pipelines/{name}/testing` needs `FELDERA_UNSTABLE_FEATURES=testing` in the manager's environment).",
  },
  InputRejected: {
    status: 422,
    description:
      "An accepted input (ingress request or INSERT) made a step fail (e.g. an overflow in a view) and was rejected: it is not part of the pipeline's state, everything else is. Sent by `/completion_status` for its token, and as the pipeline's `deployment_error`, which says where the rest was kept and how to go on.",
  },
  PipelinePaused: {
    status: 400,
    description: 'The pipeline is paused and the request did not use `force=true`.',
  },
  InvalidQuery: {
    status: 400,
    description: 'An ad-hoc query does not parse, type-check or read only materialized relations.',
  },
  NotMaterialized: {
    status: 400,
    description: 'An ad-hoc query reads a table or view that is not materialized.',
  },
  AdHocQueryTimeout: {
    status: 400,
    description:
      'An ad-hoc query ran longer than its time limit (`runtime_config.dev_tweaks.adhoc_timeout_secs`, default 60) and was stopped; the pipeline is unaffected. Sent as the last line of the output when rows were already sent (a binary format, `arrow_ipc` or `parquet`, is cut off instead).',
  },
  AdHocQueryOutOfMemory: {
    status: 400,
    description:
      'An ad-hoc query needed more than its memory limit (a share of `runtime_config.datafusion_memory_mb`) and was stopped; the pipeline is unaffected. Sent as the last line of the output when rows were already sent (a binary format, `arrow_ipc` or `parquet`, is cut off instead).',
  },
  TooManyAdHocQueries: {
    status: 429,
    description:
      'The most ad-hoc queries a pipeline runs and queues at once (`runtime_config.dev_tweaks.adhoc_max_concurrent` and `adhoc_max_queued`) are already in progress; retry later.',
  },

  // Checkpoints.
  CheckpointNotConfigured: {
    status: 400,
    description: 'The pipeline has no storage configured, so it cannot take checkpoints.',
  },
  CheckpointFailed: { status: 500, description: 'Writing a checkpoint failed; the previous one is intact.' },
  NoCheckpoint: { status: 404, description: 'The pipeline has no checkpoint yet; `POST /checkpoint` first.' },
  CheckpointCorrupt: {
    status: 500,
    description:
      'A local checkpoint file is missing or does not match the size or SHA-256 its manifest records.',
  },

  // Object-storage sync.
  SyncNotConfigured: {
    status: 400,
    description:
      "The pipeline's storage configuration names no object store (`storage.backend.config.sync`).",
  },
  SyncInvalidCredentials: {
    status: 500,
    description:
      'The object store rejected the credentials (e.g. InvalidAccessKeyId, SignatureDoesNotMatch).',
  },
  SyncBucketNotFound: {
    status: 500,
    description: 'The configured bucket does not exist in the object store.',
  },
  SyncEndpointUnreachable: { status: 500, description: 'The object store endpoint could not be reached.' },
  SyncOwnershipConflict: {
    status: 500,
    description: 'The bucket location is owned by another pipeline (its `owner.json` names it).',
  },
  SyncChecksumMismatch: {
    status: 500,
    description: 'A file in the object store does not match the size or SHA-256 its manifest records.',
  },
  SyncFailed: {
    status: 500,
    description: 'Syncing to the object store failed for another reason (named in the message).',
  },
  CheckpointFetchError: {
    status: 500,
    description:
      "A start, standby pull or activation could not fetch the checkpoint it needs: the object store could not be reached or read (`details.cause` has the store's error code), or `fail_if_no_checkpoint` is set and no store has a checkpoint (the message names each store looked in). Feldera's code.",
  },

  // Transactions.
  TransactionInProgress: {
    status: 409,
    description:
      "A transaction is already in progress (Feldera allows one at a time); commit it first. Feldera's code.",
  },
  NoTransactionInProgress: {
    status: 400,
    description: "The operation needs an active transaction and none is in progress. Feldera's code.",
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The wire shape of every error (Feldera's `ErrorResponse`). */
export interface ErrorBody {
  message: string;
  error_code: string;
  details: unknown;
}

/** An error that leaves Sluice as `{message, error_code, details}` with the status of its code. */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: ErrorCode | string;
  readonly details: unknown;

  constructor(errorCode: ErrorCode, message: string, details: unknown = {}, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.errorCode = errorCode;
    this.details = details;
    this.status = status ?? ERROR_CODES[errorCode].status;
  }

  /** Rebuilds an error received from another Sluice process, keeping its status and code. */
  static fromBody(status: number, body: ErrorBody): ApiError {
    const err = new ApiError('InternalError', body.message, body.details, status);
    (err as { errorCode: string }).errorCode = body.error_code;
    return err;
  }

  toBody(): ErrorBody {
    return { message: this.message, error_code: this.errorCode, details: this.details };
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).message === 'string' &&
    typeof (value as ErrorBody).error_code === 'string'
  );
}
