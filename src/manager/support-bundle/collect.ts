/**
 * Gathers one support-data collection for a pipeline: what the selectors ask for, from the
 * pipeline's process (profiles, heap usage, metrics, stats), its log file and the metadata
 * store (configuration, events) and the manager (system configuration).
 *
 * Nothing secret leaves: configurations go through `redactSecrets`, the program code (whose
 * connector JSON may hold credentials) and the stats through `redactSecretsInText` as well,
 * and the log has its secrets replaced when it is written (runner and runtime loggers).
 * A part that cannot be had (the pipeline is not running, its process does not answer) is
 * left out and the reason recorded in the collection's `errors`.
 */
import { arch, cpus, platform, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { redactSecrets, redactSecretsInText } from '../../types/secrets.js';
import type { ManagerContext } from '../app.js';
import { toPipelineInfo } from '../pipelines/record.js';
import { readTail } from '../runner/pipeline-log.js';
import type { PipelineRecord } from '../store/types.js';
import { PLATFORM_VERSION } from '../version.js';
import type { SupportCollection, SupportSelector } from './collection.js';

/** The log's tail that goes into a collection. */
const LOG_TAIL_BYTES = 4 * 1024 * 1024;
const PROCESS_TIMEOUT_MS = 60_000;

type CollectContext = Pick<ManagerContext, 'store' | 'runner' | 'config'>;

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A GET to the pipeline's process; throws with a readable reason when it cannot answer. */
async function fromProcess(
  ctx: CollectContext,
  rec: PipelineRecord,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ body: Buffer; encoding: string | undefined }> {
  const location = rec.deployment_location;
  if (
    rec.deployment_resources_status !== 'Provisioned' ||
    location?.port == null ||
    rec.deployment_runtime_status === 'Unavailable'
  ) {
    throw new Error(`the pipeline is not deployed (status: ${rec.deployment_status})`);
  }
  const res = await ctx.runner.executor.request(location, 'GET', path, {
    headers,
    timeoutMs: PROCESS_TIMEOUT_MS,
  });
  const body = await readAll(res.body);
  if (res.status !== 200) {
    throw new Error(
      `the pipeline answered ${path} with HTTP ${res.status}: ${body.toString('utf8', 0, 500)}`,
    );
  }
  const encoding = res.headers['content-encoding'];
  return { body, encoding: typeof encoding === 'string' ? encoding : undefined };
}

function json(value: unknown): Uint8Array {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

/** What `system_config.json` holds: the platform and the manager's settings, redacted. */
function systemConfig(ctx: CollectContext): unknown {
  const { auth, createApiKey: _oneShot, ...settings } = ctx.config;
  return redactSecrets({
    platform_version: PLATFORM_VERSION,
    node_version: process.version,
    os: { platform: platform(), arch: arch(), cpus: cpus().length, total_memory_bytes: totalmem() },
    manager: {
      ...settings,
      auth: {
        enabled: auth.enabled,
        jwt_issuer: auth.jwtIssuer,
        jwt_audience: auth.jwtAudience,
        jwks_source: auth.jwksSource === null ? null : '<configured>',
      },
    },
  });
}

/** The pipeline's configuration as the API shows it, with secrets in its program code redacted too. */
function pipelineConfig(rec: PipelineRecord): unknown {
  const info = toPipelineInfo(rec);
  for (const field of ['program_code', 'udf_rust', 'udf_toml'] as const) {
    const value = info[field];
    if (typeof value === 'string') info[field] = redactSecretsInText(value);
  }
  return info;
}

/**
 * Gathers the parts `selected` names into `collection` (files and errors). Each part is
 * independent: one failing does not stop the others.
 */
export async function collectSupportData(
  ctx: CollectContext,
  rec: PipelineRecord,
  selected: ReadonlySet<SupportSelector>,
  collection: SupportCollection,
): Promise<void> {
  const { files, errors } = collection;
  const attempt = async (selector: SupportSelector, work: () => Promise<void>): Promise<void> => {
    if (!selected.has(selector)) return;
    try {
      await work();
    } catch (err) {
      errors[selector] = redactSecretsInText((err as Error).message);
    }
  };
  await attempt('circuit_profile', async () => {
    const profile = await fromProcess(ctx, rec, '/circuit_json_profile', { 'accept-encoding': 'gzip' });
    files.set('circuit_profile.json.gz', profile.encoding === 'gzip' ? profile.body : gzipSync(profile.body));
    files.set('circuit_profile.zip', (await fromProcess(ctx, rec, '/circuit_profile')).body);
  });
  await attempt('dataflow_graph', async () => {
    const { body } = await fromProcess(ctx, rec, '/circuit_json_profile', { 'accept-encoding': 'identity' });
    files.set('dataflow_graph.json', json((JSON.parse(body.toString('utf8')) as { graph: unknown }).graph));
  });
  await attempt('heap_profile', async () => {
    files.set('heap_profile.json', (await fromProcess(ctx, rec, '/heap_usage')).body);
  });
  await attempt('metrics', async () => {
    files.set('metrics.txt', (await fromProcess(ctx, rec, '/metrics')).body);
  });
  await attempt('stats', async () => {
    // With the endpoints' recent error messages, as Feldera's bundle collector asks for them.
    const { body } = await fromProcess(ctx, rec, '/stats?include_connector_errors=true');
    files.set('stats.json', json(redactSecrets(JSON.parse(redactSecretsInText(body.toString('utf8'))))));
  });
  await attempt('logs', async () => {
    files.set('logs.txt', Buffer.from(readTail(ctx.runner.logPath(rec.id), LOG_TAIL_BYTES).text));
  });
  await attempt('pipeline_config', async () => {
    files.set('pipeline_config.json', json(pipelineConfig(rec)));
  });
  await attempt('system_config', async () => {
    files.set('system_config.json', json(systemConfig(ctx)));
  });
  await attempt('pipeline_events', async () => {
    const events = await ctx.store.transaction((tx) => tx.listPipelineEvents(rec.id));
    files.set('pipeline_events.json', json(redactSecrets(events)));
  });
}
