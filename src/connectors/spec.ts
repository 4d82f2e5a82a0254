/**
 * Connectors as the compiler knows them: one `ConnectorSpec` per entry of a table's or view's
 * `'connectors'` property, named as Feldera names its endpoints, with its configuration in
 * the shape Feldera's `program_info` lists it (`InputEndpointConfig` / `OutputEndpointConfig`).
 *
 * Which transports Sluice runs: the ones that need no outside service. Input: `datagen`
 * (connectors/datagen.md of Feldera's docs), `empty_input` (no data, ends at once) and
 * `file_input` (a local file, read once). Output: `null_output` (discards what it is sent)
 * and `file_output` (appends to a local file). Every other transport of Feldera's
 * `TransportConfig` is refused by the compiler with an error naming the connector.
 */
import type { DatagenSettings } from './datagen/settings.js';
import type { FileInputSettings, FileOutputSettings } from './file/settings.js';

export type ConnectorDirection = 'input' | 'output';

/** Transports Sluice runs, by direction. */
export const RUNNABLE_TRANSPORTS: Record<ConnectorDirection, readonly string[]> = {
  input: ['datagen', 'empty_input', 'file_input'],
  output: ['null_output', 'file_output'],
};

/** Feldera 0.312's other transports (its OpenAPI `TransportConfig`), refused with a reason. */
export const FELDERA_TRANSPORTS: Record<ConnectorDirection, readonly string[]> = {
  input: [
    'nats_input',
    'kafka_input',
    'pub_sub_input',
    'url_input',
    's3_input',
    'delta_table_input',
    'iceberg_input',
    'postgres_input',
    'postgres_cdc_input',
    'nexmark',
    'http_input',
    'ad_hoc_input',
    'clock_input',
  ],
  output: [
    'kafka_output',
    'delta_table_output',
    'dynamodb_output',
    'redis_output',
    'postgres_output',
    'http_output',
  ],
};

/** Feldera's default `max_queued_records` of a connector. */
export const DEFAULT_CONNECTOR_MAX_QUEUED_RECORDS = 1_000_000;

/**
 * Feldera's `OutputBufferConfig` of an output connector with `"enable_output_buffer": true`:
 * its changes are consolidated in a buffer, written once they have waited `maxTimeMillis`
 * (null: no time limit) or the buffer holds more than `maxSizeRecords` rows.
 */
export interface OutputBufferSettings {
  maxTimeMillis: number | null;
  maxSizeRecords: number;
}

/** Feldera's default `max_output_buffer_size_records` (its OpenAPI document). */
export const DEFAULT_MAX_OUTPUT_BUFFER_SIZE_RECORDS = 10_000_000;

/** One connector of the program. */
export interface ConnectorSpec {
  /** Feldera's endpoint name: `{relation}.{connector name}`, e.g. `t1.abc`, `t1.unnamed-1`. */
  endpoint: string;
  /** The connector's name within its relation: the given `name`, or `unnamed-{index}`. */
  name: string;
  direction: ConnectorDirection;
  /** Canonical name of the table (input) or view (output) it is attached to. */
  relation: string;
  /** The transport's name (`datagen`, ...). */
  transport: string;
  /** Its entry in `program_info.input_connectors` / `output_connectors` (Feldera's shape). */
  config: Record<string, unknown>;
  /** Created paused (`"paused": true`); input only. */
  paused: boolean;
  labels: string[];
  /** Labels whose connectors must have finished before this one starts. */
  startAfter: string[];
  /** `max_queued_records`: records this connector may have accepted and not yet processed. */
  maxQueuedRecords: number;
  /** The validated generator settings of a `datagen` connector. */
  datagen: DatagenSettings | null;
  /** The validated settings of a `file_input` connector. */
  fileInput: FileInputSettings | null;
  /** The validated settings of a `file_output` connector. */
  fileOutput: FileOutputSettings | null;
  /** The output buffer of an output connector that enables one. */
  outputBuffer: OutputBufferSettings | null;
}
