/**
 * The HTTP input connectors of a pipeline: one per table and ingress format configuration,
 * as Feldera's (crates/adapters/src/server.rs, `input_endpoint`): the first `/ingress` request
 * to a table with a given `format`, `update_format`, `array` and `json_flavor` creates it,
 * later ones with the same configuration use it. Its name is deterministic,
 * `{table}.api-ingress-{16 hex digits}` (a hash of the table and the configuration; Feldera
 * hashes the same two with Rust's `DefaultHasher`, so the digits differ from Feldera's, the
 * form does not), so `/stats` lists it like a connector declared in SQL (`t.c`) and
 * `/tables/{t}/connectors/api-ingress-…/stats` finds it.
 *
 * Its counters (records and bytes ingested, bad records) and its most recent parse errors go
 * into the checkpoint and come back when the pipeline starts from it, as in Feldera since
 * 0.289, so a restart does not lose them; a request after the restart with the same
 * configuration reaches the same connector under the same name. A connector whose table is
 * gone from the program, or whose columns changed, is not restored: the records it counted
 * went into a table that no longer exists as it was.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../types/errors.js';
import type { ConnectorErrorReport } from './connectors/endpoint.js';
import type { RelationShape } from './engine-api.js';
import type { IngressOptions, IngressRows, RecordError } from './formats/ingress.js';

/** How many recent parse errors a connector reports (as an input connector declared in SQL). */
const RECENT_ERRORS = 20;

/** The format configuration of an ingress request, which picks its connector. */
export interface HttpInputFormat {
  format: 'json' | 'csv';
  update_format: string;
  array: boolean;
  json_flavor: string | null;
}

/** What a checkpoint keeps of one HTTP input connector. */
export interface HttpInputState {
  name: string;
  table: string;
  /** The columns of the table when the state was saved (`tableSchema`). */
  schema: string;
  format: HttpInputFormat;
  totalRecords: number;
  totalBytes: number;
  parseErrors: number;
  recentParseErrors: ConnectorErrorReport[];
}

/** The format configuration of ingress options. */
export function httpInputFormat(options: IngressOptions): HttpInputFormat {
  return {
    format: options.format,
    update_format: options.updateFormat,
    array: options.array,
    json_flavor: options.jsonFlavor ?? null,
  };
}

/** A table's columns and key as one string: a restored connector needs the same. */
export function tableSchema(table: RelationShape): string {
  return JSON.stringify([table.columns.map((c) => [c.name, c.caseSensitive, c.type]), table.primaryKey]);
}

/** The connector name (after `{table}.`) for `table` and `format`. */
export function httpInputName(table: string, format: HttpInputFormat): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([table, format]))
    .digest('hex');
  return `api-ingress-${hash.slice(0, 16)}`;
}

/** One table's HTTP input connector for one format configuration. */
export class HttpInputEndpoint {
  totalRecords = 0;
  totalBytes = 0;
  parseErrors = 0;
  readonly recentParseErrors: ConnectorErrorReport[] = [];

  constructor(
    readonly table: string,
    readonly schema: string,
    readonly format: HttpInputFormat,
  ) {}

  /** The part of the endpoint name after `{table}.`. */
  get connectorName(): string {
    return httpInputName(this.table, this.format);
  }

  /** Feldera's endpoint name: `{table}.api-ingress-…`. */
  get endpointName(): string {
    return `${this.table}.${this.connectorName}`;
  }

  /** Counts the records and bytes of an accepted request. */
  accepted(records: number, bytes: number): void {
    this.totalRecords += records;
    this.totalBytes += bytes;
  }

  /**
   * Counts `count` bad records of one request and keeps the messages of those described in
   * `errors` (Feldera's `ConnectorError`, newest last, the last `RECENT_ERRORS`).
   */
  rejected(errors: readonly RecordError[], count: number): void {
    const now = new Date().toISOString();
    const first = this.parseErrors;
    this.parseErrors += count;
    errors.forEach((e, i) => {
      this.recentParseErrors.push({
        timestamp: now,
        index: first + i,
        tag: null,
        message: describeRecordError(e),
      });
    });
    this.recentParseErrors.splice(0, Math.max(0, this.recentParseErrors.length - RECENT_ERRORS));
  }

  /**
   * Feldera's `InputEndpointStatus`. `queuedRecords`: records of its table accepted and not
   * yet processed; `paused`: the pipeline is not running. The error lists are only given
   * with `includeErrors`, as `/stats` gives them only with `include_connector_errors=true`.
   */
  status(queuedRecords: number, paused: boolean, includeErrors: boolean): Record<string, unknown> {
    return {
      endpoint_name: this.endpointName,
      config: { stream: this.table },
      metrics: {
        total_bytes: this.totalBytes,
        total_records: this.totalRecords,
        buffered_records: queuedRecords,
        buffered_bytes: 0,
        num_transport_errors: 0,
        num_parse_errors: this.parseErrors,
        end_of_input: false,
      },
      paused,
      barrier: false,
      fatal_error: null,
      parse_errors: includeErrors ? this.recentParseErrors : null,
      transport_errors: includeErrors ? [] : null,
      health: { status: 'Healthy', description: null },
      completed_frontier: null,
    };
  }

  exportState(): HttpInputState {
    return {
      name: this.connectorName,
      table: this.table,
      schema: this.schema,
      format: this.format,
      totalRecords: this.totalRecords,
      totalBytes: this.totalBytes,
      parseErrors: this.parseErrors,
      recentParseErrors: [...this.recentParseErrors],
    };
  }
}

/** Feldera's line for one bad record: `Parse error (event #n): why` and its text. */
export function describeRecordError(e: RecordError): string {
  const fragment = e.invalid_text === '' ? '' : `\nInvalid fragment: '${e.invalid_text}'`;
  return `Parse error (event #${e.event_number}): ${e.description}${fragment}`;
}

/**
 * The answer to an ingress request with bad records: Feldera's `ParseErrors` (400), its
 * message `Errors parsing input data (N errors):` then one line per bad record described
 * (`reporting K out of N total errors` when more were found than are described), and, Sluice's
 * addition, what became of the rest of the request: `token` is the completion token of its
 * good records when they were ingested (null when nothing was).
 */
export function parseErrorsError(
  table: string,
  rows: IngressRows,
  outcome: { token: string; records: number } | { reason: string },
): ApiError {
  const head =
    rows.errorCount > rows.errors.length
      ? `Errors parsing input data (reporting ${rows.errors.length} out of ${rows.errorCount} total errors):`
      : `Errors parsing input data (${rows.errorCount} errors):`;
  const lines = rows.errors.map((e) => `\n    ${describeRecordError(e)}`).join('');
  const tail =
    'token' in outcome
      ? `The other ${outcome.records} record${outcome.records === 1 ? '' : 's'} of this request ${outcome.records === 1 ? 'was' : 'were'} ingested into table '${table}' (completion token in details.token).`
      : `No record of this request was ingested into table '${table}': ${outcome.reason}.`;
  return new ApiError('ParseErrors', `${head}${lines}\n${tail}`, {
    table,
    num_errors: rows.errorCount,
    errors: rows.errors.map((e) => ({ ...e, invalid_bytes: null, suggestion: null })),
    ingested_records: 'token' in outcome ? outcome.records : 0,
    token: 'token' in outcome ? outcome.token : null,
  });
}

/** The HTTP input connectors of a pipeline, by endpoint name. */
export class HttpInputs {
  private readonly endpoints = new Map<string, HttpInputEndpoint>();

  /** The connector of `table` for `options`, created on first use. */
  endpointFor(table: RelationShape, options: IngressOptions): HttpInputEndpoint {
    const format = httpInputFormat(options);
    const name = `${table.name}.${httpInputName(table.name, format)}`;
    let endpoint = this.endpoints.get(name);
    if (!endpoint) {
      endpoint = new HttpInputEndpoint(table.name, tableSchema(table), format);
      this.endpoints.set(name, endpoint);
    }
    return endpoint;
  }

  /** The connector of `table` named `connector` (the part after `{table}.`), if any. */
  find(table: string, connector: string): HttpInputEndpoint | undefined {
    return this.endpoints.get(`${table}.${connector}`);
  }

  list(): HttpInputEndpoint[] {
    return [...this.endpoints.values()];
  }

  exportState(): HttpInputState[] {
    return this.list().map((e) => e.exportState());
  }

  /**
   * Restores the connectors of a checkpoint whose table still exists with the same columns
   * (`lookup` finds a table of the running program); the others are dropped.
   */
  importState(states: readonly HttpInputState[], lookup: (name: string) => RelationShape | undefined): void {
    for (const s of states) {
      const table = lookup(s.table);
      if (table?.kind !== 'table' || table.name !== s.table || tableSchema(table) !== s.schema) continue;
      const endpoint = new HttpInputEndpoint(s.table, s.schema, s.format);
      endpoint.totalRecords = s.totalRecords;
      endpoint.totalBytes = s.totalBytes;
      endpoint.parseErrors = s.parseErrors;
      endpoint.recentParseErrors.push(...s.recentParseErrors);
      this.endpoints.set(endpoint.endpointName, endpoint);
    }
  }
}
