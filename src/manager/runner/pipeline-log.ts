/**
 * A pipeline's log file: the process's own output and the runner's lifecycle events.
 *
 * The process writes to the file through its stdout and stderr (the executor opens the file
 * for it in append mode), and the runner appends lifecycle lines to the same file, so the
 * log survives a manager restart and `GET /logs` can catch up from the file and then follow
 * it. A new deployment keeps only the tail of the previous one. The file is created 0600: logs
 * may quote data.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { PRIVATE_FILE_MODE } from '../../types/runtime.js';

const KEEP_BYTES_ON_ROTATE = 256 * 1024;

/** Reads the last `maxBytes` of a file as text, starting at a line boundary. */
export function readTail(path: string, maxBytes: number): { text: string; endOffset: number } {
  if (!existsSync(path)) return { text: '', endOffset: 0 };
  const size = statSync(path).size;
  const start = Math.max(0, size - maxBytes);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    let text = buf.toString('utf8');
    if (start > 0) {
      const nl = text.indexOf('\n');
      text = nl >= 0 ? text.slice(nl + 1) : '';
    }
    return { text, endOffset: size };
  } finally {
    closeSync(fd);
  }
}

/** Reads bytes [from, to) of a file. */
export function readRange(path: string, from: number, to: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, to - from));
    readSync(fd, buf, 0, buf.length, from);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The last `n` lines of the log, for error reports. */
export function tailLines(path: string, n: number): string[] {
  const lines = readTail(path, 64 * 1024)
    .text.split('\n')
    .filter((l) => l.length > 0);
  return lines.slice(-n);
}

/** Appends one lifecycle line, as the runner sees it. */
/** The first line of a new log, Feldera's ("Fresh start of pipeline logs", from its runner). */
export const FRESH_LOG_LINE = 'Fresh start of pipeline logs';

const lifecycleLine = (message: string) => `${new Date().toISOString()} INFO [manager] ${message}\n`;

/** Creates the log with its first line if it does not exist yet. */
function ensureLog(path: string): void {
  if (!existsSync(path)) writeFileSync(path, lifecycleLine(FRESH_LOG_LINE), { mode: PRIVATE_FILE_MODE });
}

export function appendLifecycle(path: string, message: string): void {
  ensureLog(path);
  appendFileSync(path, lifecycleLine(message), { mode: PRIVATE_FILE_MODE });
}

/** Keeps only the tail of a log that grew large, before a new deployment writes to it. */
export function rotateLog(path: string): void {
  if (!existsSync(path)) {
    ensureLog(path);
    return;
  }
  const size = statSync(path).size;
  if (size <= 4 * KEEP_BYTES_ON_ROTATE) return;
  const { text } = readTail(path, KEEP_BYTES_ON_ROTATE);
  truncateSync(path, 0);
  appendFileSync(path, text);
}
