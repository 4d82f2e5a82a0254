/**
 * Reads the `'connectors'` property of every table and view into `ConnectorSpec`s, reporting
 * each problem as a compiler error at the connector it is about.
 *
 * Names follow Feldera's pipeline manager (`determine_connector_endpoint_names` in
 * crates/pipeline-manager/src/db/types/program.rs): a connector's endpoint is
 * `{relation}.{name}`, where an unnamed connector is called `unnamed-{i}` and `i` is its
 * position among its relation's connectors (named ones count too), and two endpoints with the
 * same name are an error. A given name must be 1 to 100 characters of `[a-zA-Z0-9_-]`.
 * Errors have Feldera's type `ConnectorGenerationError`; Sluice reports every problem it finds
 * (Feldera stops at the first) and points at the connector within the property's text.
 *
 * Generic attributes (`paused`, `labels`, `start_after`, `max_queued_records`, and an output's
 * buffer: `enable_output_buffer` with its limits) are checked and used; the other ones of
 * Feldera's `ConnectorConfig` are accepted (they tune batching or apply to formats and outputs
 * Sluice does not run); a key Feldera does not know is a warning, since Feldera ignores it too. `start_after` must name labels that exist, without cycles.
 */
import type { TableInfo, ViewInfo } from '../sql/catalog.js';
import type { MessageSink, Span } from '../sql/messages.js';
import { RecordGenerator } from './datagen/generator.js';
import { DatagenConfigError, readDatagenConfig, unknownFieldMessage } from './datagen/settings.js';
import { FileConfigError, readFileInputConfig, readFileOutputConfig } from './file/settings.js';
import { LiteralPositions } from './literal-position.js';
import {
  type ConnectorDirection,
  type ConnectorSpec,
  DEFAULT_CONNECTOR_MAX_QUEUED_RECORDS,
  DEFAULT_MAX_OUTPUT_BUFFER_SIZE_RECORDS,
  FELDERA_TRANSPORTS,
  type OutputBufferSettings,
  RUNNABLE_TRANSPORTS,
} from './spec.js';

export const CONNECTOR_ERROR = 'ConnectorGenerationError';

/** Feldera's `ConnectorConfig` keys (with `name`, and `OutputBufferConfig` flattened in). */
const CONNECTOR_KEYS = [
  'name',
  'transport',
  'format',
  'index',
  'labels',
  'start_after',
  'paused',
  'max_batch_size',
  'max_worker_batch_size',
  'max_queued_records',
  'max_queued_bytes',
  'preprocessor',
  'postprocessor',
  'send_snapshot',
  'enable_output_buffer',
  'max_output_buffer_time_millis',
  'max_output_buffer_size_records',
];

const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
const MAX_NAME_LENGTH = 100;

class ConnectorProblem extends Error {}

function problem(message: string): never {
  throw new ConnectorProblem(message);
}

/** `[start, end)` of each element of a JSON array text (the text must be valid JSON). */
function elementRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let start = -1;
  let lastNonSpace = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (depth === 1 && start < 0) start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      lastNonSpace = i;
      continue;
    }
    if (c === '[' || c === '{') {
      if (depth === 1 && start < 0) start = i;
      depth++;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0 && start >= 0) out.push([start, lastNonSpace + 1]);
    } else if (c === ',' && depth === 1) {
      if (start >= 0) out.push([start, lastNonSpace + 1]);
      start = -1;
    } else if (!/\s/.test(c) && depth === 1 && start < 0) {
      start = i;
    }
    if (!/\s/.test(c) && !(depth === 0 && c === ']')) lastNonSpace = i;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringList(v: unknown, key: string, nullable: boolean): string[] {
  if (v === undefined || (nullable && v === null)) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    problem(`'${key}' must be a list of strings, got ${JSON.stringify(v)?.slice(0, 100)}`);
  return v as string[];
}

function describeTransports(direction: ConnectorDirection): string {
  return RUNNABLE_TRANSPORTS[direction].map((t) => `'${t}'`).join(' and ');
}

/** A non-negative integer setting, or undefined when absent. */
function countSetting(value: Record<string, unknown>, key: string): number | undefined {
  const v = value[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    problem(`'${key}' must be a non-negative integer, got ${JSON.stringify(v)?.slice(0, 100)}`);
  return v;
}

/**
 * Feldera's `OutputBufferConfig` of an output connector. As its `validate()` (feldera-types,
 * config.rs): a buffer with neither limit is an error, in Feldera's words. A limit without
 * `"enable_output_buffer": true` is a warning, not an error: Feldera's docs say the limits
 * require the flag, and Feldera then ignores them (the program compiles and runs unbuffered),
 * so Sluice does the same rather than refuse a program Feldera runs.
 */
function readOutputBuffer(
  value: Record<string, unknown>,
  endpoint: string,
  warn: (message: string) => void,
): OutputBufferSettings | null {
  const enabled = value.enable_output_buffer ?? false;
  if (typeof enabled !== 'boolean')
    problem(`'enable_output_buffer' must be true or false, got ${JSON.stringify(enabled)?.slice(0, 100)}`);
  const time = countSetting(value, 'max_output_buffer_time_millis');
  const size = countSetting(value, 'max_output_buffer_size_records');
  if (!enabled) {
    for (const key of ['max_output_buffer_time_millis', 'max_output_buffer_size_records'])
      if (value[key] !== undefined)
        warn(
          `connector '${endpoint}': '${key}' requires "enable_output_buffer": true; without it the connector is not buffered and the setting is ignored (as in Feldera)`,
        );
    return null;
  }
  if (time === undefined && size === undefined)
    problem(
      `connector '${endpoint}': when the 'enable_output_buffer' flag is set, one of 'max_output_buffer_size_records' and 'max_output_buffer_time_millis' settings must be specified`,
    );
  return { maxTimeMillis: time ?? null, maxSizeRecords: size ?? DEFAULT_MAX_OUTPUT_BUFFER_SIZE_RECORDS };
}

interface Relation {
  info: TableInfo | ViewInfo;
  direction: ConnectorDirection;
}

/** Checks one connector object and builds its spec (its name is decided by the caller). */
function readConnector(
  rel: Relation,
  value: unknown,
  endpoint: string,
  name: string,
  warn: (message: string) => void,
): ConnectorSpec {
  const kind = rel.direction === 'input' ? 'table' : 'view';
  if (!isObject(value)) problem('a connector must be a JSON object');
  for (const key of Object.keys(value))
    if (!CONNECTOR_KEYS.includes(key))
      warn(`connector '${endpoint}': unknown key '${key.slice(0, 100)}' is ignored (Feldera ignores it too)`);
  const transport = value.transport;
  if (!isObject(transport) || typeof transport.name !== 'string')
    problem(`connector '${endpoint}' has no transport: expected "transport": {"name": ..., "config": {...}}`);
  const tname = transport.name;
  const other: ConnectorDirection = rel.direction === 'input' ? 'output' : 'input';
  if (RUNNABLE_TRANSPORTS[other].includes(tname) || FELDERA_TRANSPORTS[other].includes(tname))
    problem(
      `expected an ${rel.direction} variant but got an ${other} variant for connector '${endpoint}' (transport '${tname}'): a ${kind} takes ${rel.direction} connectors only`,
    );
  if (!RUNNABLE_TRANSPORTS[rel.direction].includes(tname)) {
    const known = FELDERA_TRANSPORTS[rel.direction].includes(tname);
    problem(
      `connector '${endpoint}' uses transport '${tname.slice(0, 100)}', which ${
        known
          ? 'Sluice does not run (it needs a service outside the pipeline)'
          : 'is not a transport Feldera or Sluice knows'
      }. Sluice runs the ${describeTransports(rel.direction)} ${rel.direction} connectors${
        rel.direction === 'input'
          ? '; push data into this table over HTTP (/ingress) instead'
          : '; read this view over HTTP (/egress) instead'
      }.`,
    );
  }
  const paused = value.paused ?? false;
  if (typeof paused !== 'boolean') problem(`'paused' must be true or false, got ${JSON.stringify(paused)}`);
  const maxQueued = value.max_queued_records ?? DEFAULT_CONNECTOR_MAX_QUEUED_RECORDS;
  if (typeof maxQueued !== 'number' || !Number.isSafeInteger(maxQueued) || maxQueued < 0)
    problem(`'max_queued_records' must be a non-negative integer, got ${JSON.stringify(maxQueued)}`);
  const labels = stringList(value.labels, 'labels', false);
  const startAfter = stringList(value.start_after, 'start_after', true);
  let datagen = null;
  if (tname === 'datagen') {
    if (rel.info.kind !== 'table') throw new Error('datagen on a view');
    try {
      datagen = readDatagenConfig(transport.config, rel.info.columns);
      new RecordGenerator(datagen, rel.info.columns, null);
    } catch (err) {
      if (err instanceof DatagenConfigError) problem(`connector '${endpoint}' (datagen): ${err.message}`);
      throw err;
    }
    for (const field of datagen.unknownFields)
      warn(
        `connector '${endpoint}' (datagen): ${unknownFieldMessage(field)} The program compiles (as in Feldera), but the pipeline will fail to start.`,
      );
  }
  let fileInput = null;
  let fileOutput = null;
  try {
    if (tname === 'file_input') fileInput = readFileInputConfig(transport.config, value.format);
    if (tname === 'file_output') {
      fileOutput = readFileOutputConfig(transport.config, value.format);
      // It changes what the file holds (a snapshot of the view first), which Sluice's output
      // connectors do not write.
      if (value.send_snapshot === true)
        problem(`connector '${endpoint}' (file_output): 'send_snapshot' is not supported by Sluice`);
    }
  } catch (err) {
    if (err instanceof FileConfigError) problem(`connector '${endpoint}' (${tname}): ${err.message}`);
    throw err;
  }
  const outputBuffer = rel.direction === 'output' ? readOutputBuffer(value, endpoint, warn) : null;
  const { name: _name, ...rest } = value;
  const config: Record<string, unknown> = {
    stream: rel.info.caseSensitive ? `"${rel.info.name}"` : rel.info.name,
    format: null,
    index: null,
    max_batch_size: null,
    max_queued_records: maxQueued,
    paused,
    labels,
    start_after: value.start_after ?? null,
    ...rest,
  };
  return {
    endpoint,
    name,
    direction: rel.direction,
    relation: rel.info.name,
    transport: tname,
    config,
    paused,
    labels,
    startAfter,
    maxQueuedRecords: maxQueued,
    datagen,
    fileInput,
    fileOutput,
    outputBuffer,
  };
}

/** Checks that `start_after` names existing labels and has no cycles. */
function checkOrder(specs: ConnectorSpec[], spanOf: Map<ConnectorSpec, Span>, sink: MessageSink): void {
  const inputs = specs.filter((s) => s.direction === 'input');
  const byLabel = new Map<string, ConnectorSpec[]>();
  for (const s of inputs) for (const l of s.labels) byLabel.set(l, [...(byLabel.get(l) ?? []), s]);
  for (const s of inputs)
    for (const l of s.startAfter)
      if (!byLabel.has(l))
        sink.error(
          spanOf.get(s)!,
          CONNECTOR_ERROR,
          `connector '${s.endpoint}': 'start_after' names label '${l.slice(0, 100)}', which no input connector has`,
        );
  const state = new Map<ConnectorSpec, 'visiting' | 'done'>();
  const visit = (s: ConnectorSpec, path: ConnectorSpec[]): void => {
    if (state.get(s) === 'done') return;
    if (state.get(s) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(s)), s].map((x) => x.endpoint).join(' -> ');
      sink.error(spanOf.get(s)!, CONNECTOR_ERROR, `connectors wait for each other in a cycle: ${cycle}`);
      return;
    }
    state.set(s, 'visiting');
    for (const l of s.startAfter) for (const dep of byLabel.get(l) ?? []) visit(dep, [...path, s]);
    state.set(s, 'done');
  };
  for (const s of inputs) visit(s, []);
}

/**
 * The connectors of a program's tables and (output) views, in declaration order. Problems go
 * to `sink` as errors (warnings for ignored keys); a relation with a bad connector list
 * contributes no connectors.
 */
export function collectConnectors(
  tables: readonly TableInfo[],
  views: readonly ViewInfo[],
  source: string,
  sink: MessageSink,
): ConnectorSpec[] {
  const specs: ConnectorSpec[] = [];
  const spanOf = new Map<ConnectorSpec, Span>();
  const relations: Relation[] = [
    ...tables.map((info) => ({ info, direction: 'input' as const })),
    ...views.map((info) => ({ info, direction: 'output' as const })),
  ];
  for (const rel of relations) {
    const prop = rel.info.properties.find((p) => p.key === 'connectors');
    if (!prop) continue;
    const positions = new LiteralPositions(source, prop.valueSpan, prop.value);
    const whole = positions.span(0, prop.value.length);
    const what = `${rel.info.kind === 'table' ? 'table' : 'view'} '${rel.info.name}'`;
    if (rel.info.kind === 'view' && rel.info.local) {
      sink.error(whole, CONNECTOR_ERROR, `${what} is LOCAL, so it cannot have output connectors`);
      continue;
    }
    let list: unknown;
    try {
      list = JSON.parse(prop.value);
    } catch (err) {
      const at = /position (\d+)/.exec((err as Error).message);
      const span = at ? positions.span(Number(at[1]), Number(at[1]) + 1) : whole;
      sink.error(
        span,
        CONNECTOR_ERROR,
        `${what}: property 'connectors' is not valid JSON: ${(err as Error).message}`,
      );
      continue;
    }
    if (!Array.isArray(list)) {
      sink.error(whole, CONNECTOR_ERROR, `${what}: property 'connectors' must be a JSON list of connectors`);
      continue;
    }
    const ranges = elementRanges(prop.value);
    const taken = new Set<string>();
    list.forEach((value, i) => {
      const range = ranges[i];
      const span = range ? positions.span(range[0], range[1]) : whole;
      const given = isObject(value) ? value.name : undefined;
      try {
        if (
          given !== undefined &&
          (typeof given !== 'string' || !NAME_PATTERN.test(given) || given.length > MAX_NAME_LENGTH)
        )
          problem(
            `connector name ${JSON.stringify(given)?.slice(0, 120)} is not valid: it must be 1 to ${MAX_NAME_LENGTH} characters of a-z, A-Z, 0-9, '_' and '-'`,
          );
        const name = (given as string | undefined) ?? `unnamed-${i}`;
        const endpoint = `${rel.info.name}.${name}`;
        if (taken.has(endpoint))
          problem(
            `encountered collision when using {relation}.{connector_name} as unique name: '${endpoint}' is not unique`,
          );
        taken.add(endpoint);
        const spec = readConnector(rel, value, endpoint, name, (m) => sink.warning(span, CONNECTOR_ERROR, m));
        specs.push(spec);
        spanOf.set(spec, span);
      } catch (err) {
        if (!(err instanceof ConnectorProblem)) throw err;
        sink.error(span, CONNECTOR_ERROR, `${what}: ${err.message}`);
      }
    });
  }
  checkOrder(specs, spanOf, sink);
  return specs;
}
