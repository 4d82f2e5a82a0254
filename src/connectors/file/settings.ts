/**
 * The configuration of the local-file connectors, `file_output` (a view's changes appended to
 * a file) and `file_input` (a table filled from a file once), read and checked at compile time.
 *
 * Shapes follow Feldera 0.312 (`FileOutputConfig {path}`, `FileInputConfig {path,
 * buffer_size_bytes, follow}`, and the `format` of its `ConnectorConfig`: `{"name": "json" |
 * "csv", "config": {...}}`). Sluice runs the formats and options it can encode or decode
 * exactly as Feldera does and refuses the others by name (a wrong byte in an output file is
 * worse than a clear refusal): output `json` with `update_format` `insert_delete`, `array` and
 * `buffer_size_records`; output `csv` with `buffer_size_records`; input `json` with
 * `update_format` `insert_delete`, `raw` or `weighted` and `array`; input `csv` with no
 * options. `follow` (tailing a growing file) is refused.
 *
 * Paths. Feldera opens whatever path it is given, relative to the pipeline process's working
 * directory. Sluice's pipeline processes run under the manager with a working directory the
 * user neither sees nor chooses, so a path must be absolute, and normalized (no `.` or `..`
 * segments, no trailing `/`, no NUL byte): what the user wrote is then the file used. The
 * checks that need the file system (the file is not inside Sluice's data directory, is not a
 * symbolic link, is a regular file) are made when the pipeline starts (runtime/connectors/
 * file-path.ts), since the file system may change between compile and start.
 */
import { isAbsolute } from 'node:path';

/** A configuration error; the message names the offending key. */
export class FileConfigError extends Error {}

function fail(message: string): never {
  throw new FileConfigError(message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj))
    if (!allowed.includes(key))
      fail(
        `${where}: unknown key '${key.slice(0, 100)}' (Sluice supports ${allowed.length ? allowed.join(', ') : 'no keys'} here)`,
      );
}

/** Feldera's default `buffer_size_records` of the JSON and CSV encoders. */
export const DEFAULT_BUFFER_SIZE_RECORDS = 10_000;

/** How a `file_output` connector encodes a step's changes. */
export type OutputFormatSettings =
  | { name: 'json'; array: boolean; bufferSizeRecords: number }
  | { name: 'csv'; bufferSizeRecords: number };

/** How a `file_input` connector decodes its file (the options of HTTP ingress). */
export interface InputFormatSettings {
  name: 'json' | 'csv';
  updateFormat: 'insert_delete' | 'raw' | 'weighted';
  array: boolean;
}

export interface FileOutputSettings {
  path: string;
  format: OutputFormatSettings;
}

export interface FileInputSettings {
  path: string;
  format: InputFormatSettings;
}

const MAX_PATH_LENGTH = 4096;

/** Checks the shape of a connector's `path`: absolute and normalized. */
export function checkPath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    fail(`'path' must be a non-empty string, got ${JSON.stringify(value)?.slice(0, 100)}`);
  const shown = JSON.stringify(value.slice(0, 200));
  if (value.length > MAX_PATH_LENGTH) fail(`'path' is longer than ${MAX_PATH_LENGTH} characters`);
  if (value.includes('\0')) fail(`'path' ${shown} contains a NUL character`);
  if (!isAbsolute(value))
    fail(
      `'path' ${shown} is relative; give an absolute path (a pipeline process's working directory is not one you choose)`,
    );
  const segments = value.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..'))
    fail(`'path' ${shown} contains a '.' or '..' segment; give the path without them`);
  if (value.endsWith('/')) fail(`'path' ${shown} ends with '/': it names a directory, not a file`);
  if (segments.some((s) => s === '')) fail(`'path' ${shown} contains an empty segment ('//')`);
  return value;
}

function bufferSize(config: Record<string, unknown>, where: string): number {
  const v = config.buffer_size_records ?? DEFAULT_BUFFER_SIZE_RECORDS;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    fail(`${where}.buffer_size_records must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads a connector's `format` object into its name and `config` (an object). */
function readFormat(format: unknown): { name: string; config: Record<string, unknown> } {
  if (format === undefined || format === null)
    fail(`a file connector needs a 'format': {"name": "json"} or {"name": "csv"}`);
  if (!isObject(format) || typeof format.name !== 'string')
    fail(`'format' must be an object {"name": "json" | "csv", "config": {...}}`);
  checkKeys(format, ['name', 'config'], 'format');
  const config = format.config ?? {};
  if (!isObject(config)) fail(`format.config must be an object`);
  return { name: format.name, config };
}

function readOutputFormat(format: unknown): OutputFormatSettings {
  const { name, config } = readFormat(format);
  if (name === 'json') {
    checkKeys(config, ['update_format', 'array', 'buffer_size_records'], 'format.config');
    const updateFormat = config.update_format ?? 'insert_delete';
    if (updateFormat !== 'insert_delete')
      fail(
        `format.config.update_format ${JSON.stringify(updateFormat)?.slice(0, 100)} is not supported by Sluice's file_output; use "insert_delete"`,
      );
    const array = config.array ?? false;
    if (typeof array !== 'boolean') fail(`format.config.array must be true or false`);
    return { name: 'json', array, bufferSizeRecords: bufferSize(config, 'format.config') };
  }
  if (name === 'csv') {
    checkKeys(config, ['buffer_size_records'], 'format.config');
    return { name: 'csv', bufferSizeRecords: bufferSize(config, 'format.config') };
  }
  fail(`format '${name.slice(0, 100)}' is not supported by Sluice's file_output; use "json" or "csv"`);
}

function readInputFormat(format: unknown): InputFormatSettings {
  const { name, config } = readFormat(format);
  if (name === 'json') {
    checkKeys(config, ['update_format', 'array'], 'format.config');
    const updateFormat = config.update_format ?? 'insert_delete';
    if (updateFormat !== 'insert_delete' && updateFormat !== 'raw' && updateFormat !== 'weighted')
      fail(
        `format.config.update_format ${JSON.stringify(updateFormat)?.slice(0, 100)} is not supported by Sluice's file_input; use "insert_delete", "raw" or "weighted"`,
      );
    const array = config.array ?? false;
    if (typeof array !== 'boolean') fail(`format.config.array must be true or false`);
    return { name: 'json', updateFormat, array };
  }
  if (name === 'csv') {
    checkKeys(config, [], 'format.config');
    return { name: 'csv', updateFormat: 'insert_delete', array: false };
  }
  fail(`format '${name.slice(0, 100)}' is not supported by Sluice's file_input; use "json" or "csv"`);
}

/** Reads a `file_output` connector's transport `config` and `format`; throws `FileConfigError`. */
export function readFileOutputConfig(config: unknown, format: unknown): FileOutputSettings {
  if (!isObject(config)) fail(`the file_output config must be an object {"path": "/absolute/file"}`);
  checkKeys(config, ['path'], 'file_output config');
  return { path: checkPath(config.path), format: readOutputFormat(format) };
}

/** Reads a `file_input` connector's transport `config` and `format`; throws `FileConfigError`. */
export function readFileInputConfig(config: unknown, format: unknown): FileInputSettings {
  if (!isObject(config)) fail(`the file_input config must be an object {"path": "/absolute/file"}`);
  checkKeys(config, ['path', 'buffer_size_bytes', 'follow'], 'file_input config');
  if (config.follow !== undefined && config.follow !== false)
    fail(
      `'follow' (reading a file as it grows) is not supported by Sluice's file_input; the file is read once`,
    );
  const size = config.buffer_size_bytes;
  if (
    size !== undefined &&
    size !== null &&
    (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
  )
    fail(`'buffer_size_bytes' must be a non-negative integer, got ${JSON.stringify(size)?.slice(0, 100)}`);
  return { path: checkPath(config.path), format: readInputFormat(format) };
}
