/**
 * The input journal of an exactly-once pipeline.
 *
 * Every accepted input (an ingress request body with its format, or an ad-hoc INSERT) is
 * appended and fsynced before the client gets its 200, tagged with its input sequence
 * number. After a crash the pipeline restores its latest checkpoint and replays the entries
 * whose sequence number is past the checkpoint's, reaching exactly the acknowledged state.
 *
 * Entry layout: one JSON header line `{"seq", "kind", ...,"bytes"}`, then `bytes` bytes of
 * payload, then a newline. A crash during an append leaves a torn last entry, which was
 * never acknowledged and is ignored. An append that fails (a full disk) cuts the file back to
 * where the entry began before it reports the failure, so a later entry never follows a torn
 * one. After a checkpoint the journal is rewritten (to a temporary file, fsynced, renamed)
 * without the entries the checkpoint covers.
 *
 * A `rejected` entry lists inputs a step failed on and that were left out of the state
 * (runtime/isolation.ts); replay skips them, so a crash before the checkpoint that follows a
 * rejection cannot bring them back. Its `seq` is the highest one it lists, so the checkpoint
 * that covers them drops it too.
 *
 * A `connector` entry is a batch an input connector produced; its payload says which (the
 * connector and its position), not the rows, because the connector can make the same rows
 * again (runtime/connectors).
 */

import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { JsonFlavor } from './formats/ingress.js';

export type JournalEntry =
  | {
      seq: number;
      kind: 'ingress';
      table: string;
      format: string;
      updateFormat: string;
      array: boolean;
      /** The JSON flavor of the body (`json_flavor`); absent = default. */
      jsonFlavor?: JsonFlavor;
      payload: string;
    }
  | { seq: number; kind: 'sql'; payload: string }
  /** `payload`: JSON naming a connector batch, as the connector that made it wrote it. */
  | { seq: number; kind: 'connector'; payload: string }
  /** `payload`: JSON array of the rejected inputs (`RejectedInput` of data-plane.ts). */
  | { seq: number; kind: 'rejected'; payload: string };

function encode(entry: JournalEntry): Buffer {
  const payload = Buffer.from(entry.payload, 'utf8');
  const { payload: _omit, ...header } = entry;
  return Buffer.concat([
    Buffer.from(`${JSON.stringify({ ...header, bytes: payload.length })}\n`),
    payload,
    Buffer.from('\n'),
  ]);
}

/** Parses a journal file, stopping at a torn or unreadable tail. */
export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  const data = readFileSync(path);
  const entries: JournalEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const nl = data.indexOf(10, pos);
    if (nl < 0) break;
    let header: JournalEntry & { bytes: number };
    try {
      header = JSON.parse(data.subarray(pos, nl).toString('utf8'));
    } catch {
      break;
    }
    const start = nl + 1;
    const end = start + header.bytes;
    if (end + 1 > data.length || data[end] !== 10) break;
    const { bytes: _bytes, ...rest } = header;
    entries.push({ ...rest, payload: data.subarray(start, end).toString('utf8') } as JournalEntry);
    pos = end + 1;
  }
  return entries;
}

/** Append-only, fsynced journal file. */
export class InputJournal {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Appends one entry and makes it durable before returning; on failure, leaves no part of it. */
  append(entry: JournalEntry): void {
    const data = encode(entry);
    const start = fstatSync(this.fd).size;
    try {
      let written = 0;
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
      fsyncSync(this.fd);
    } catch (err) {
      ftruncateSync(this.fd, start);
      throw err;
    }
  }

  /** Drops the entries with `seq <= upTo` (covered by a checkpoint), crash-safely. */
  truncateThrough(upTo: number): void {
    const keep = readJournal(this.path).filter((e) => e.seq > upTo);
    const tmp = join(dirname(this.path), `.journal-${process.pid}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      for (const e of keep) {
        const data = encode(e);
        let written = 0;
        while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      }
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkSync(tmp);
      throw err;
    }
    closeSync(fd);
    closeSync(this.fd);
    renameSync(tmp, this.path);
    const dirFd = openSync(dirname(this.path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    this.fd = openSync(this.path, 'a');
  }

  close(): void {
    closeSync(this.fd);
  }
}
