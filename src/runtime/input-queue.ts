/**
 * The inputs a pipeline accepted but has not processed yet, kept one accepted request apart
 * from the next, with a bound on how many records may wait per table.
 *
 * Each accepted ingress request or INSERT is one `QueuedInput` with its input sequence number;
 * a step takes all of them, and if the step fails the data plane can retry them separately
 * (see isolation.ts). Keeping them apart here, rather than merged in the circuit's input
 * buffers, is what makes that possible.
 *
 * Backpressure, as Feldera's `max_queued_records` (ConnectorConfig; default 1,000,000 per
 * input connector, and each table's HTTP ingress is one connector): before an ingress request
 * is accepted it must be admitted, which reserves its records against its table's bound. A
 * request that would take the table past the bound waits (holding its client) until steps
 * have drained the queue; waiting requests of a table are admitted in arrival order, so a
 * large one is not starved by small ones. A request larger than the bound by itself is
 * admitted once its table has nothing queued: what a request queues is queued whole, so refusing it
 * would make a valid batch impossible to ingest, while its size is already capped by the body
 * limit, so what waits in memory stays within the bound plus one request. Like Feldera's, the
 * bound is therefore not a hard one. A waiting request whose client goes away is dropped
 * before anything of it is accepted.
 *
 * An input connector (runtime/connectors) is admitted the same way under its own endpoint name
 * and with its own `max_queued_records`, as Feldera bounds each connector separately; a
 * generator that outruns the circuit then waits here instead of filling memory.
 *
 * Steps take bounded batches (`takeBatch`, Feldera's `max_batch_size`): inputs in order while
 * they fit, and an input larger than what is left of the batch is split, its first rows going
 * in this step and the rest staying at the head of the queue (`taken` counts the rows already
 * stepped) for the next. So one 3-million-row request becomes a few hundred steps, each short
 * enough for the event loop to serve HTTP between them. A part knows whether it is the last
 * of its input (`final`): only then is the input processed, and its completion token done.
 * An INSERT's input (which may span several tables) is not split.
 *
 * An ingress request is queued without its rows: it carries a `RowSource` (its validated body
 * text, formats/ingress.ts) that decodes rows when a part is made, so the queue holds text,
 * not the decoded rows of millions of records. A part whose rows do not decode carries the
 * error (`failure`), for the step to fail on it as on any failing input.
 */
import type { WeightedRow } from '../engine/values/value.js';
import { ApiError } from '../types/errors.js';

/** Rows of an input decoded when a step takes them: `read(from, to)` gives rows `[from, to)`. */
export interface RowSource {
  read(from: number, to: number): WeightedRow[];
}

/** One accepted input (an ingress request or an INSERT) waiting for a step. */
export interface QueuedInput {
  seq: number;
  kind: 'ingress' | 'sql' | 'connector';
  /**
   * Its changes, by table (an ingress request has one table). With `source`, the one change
   * names the table and its rows are empty until a part reads them.
   */
  changes: Array<{ table: string; rows: WeightedRow[] }>;
  /** Where its `records` rows are decoded from when steps take them (ingress requests). */
  source?: RowSource;
  records: number;
  bytes: number;
  /** The input connector that produced it (its admission key), and how far it had read. */
  connector?: { endpoint: string; position: unknown };
  /** Rows of its one change already taken by steps, when it is split across steps. */
  taken?: number;
}

/** The part of a queued input one step takes: the whole input, or a slice of its rows. */
export interface InputPart extends QueuedInput {
  /** Row offset of this part in its input (0 for the first or only part). */
  offset: number;
  /** Whether this part ends its input: the input is processed once this part is. */
  final: boolean;
  /** Why its rows could not be decoded from its `source`: the step fails on this part. */
  failure?: unknown;
}

/** Feldera's default `max_queued_records`. */
export const DEFAULT_MAX_QUEUED_RECORDS = 1_000_000;

interface Waiter {
  /** Admission key: a table (HTTP ingress) or a connector's endpoint name. */
  table: string;
  records: number;
  bound: number;
  admit: () => void;
  refuse: (err: Error) => void;
}

/** Accepted inputs in order, with per-table admission against `maxQueuedRecords`. */
export class InputQueue {
  private inputs: QueuedInput[] = [];
  /** Records admitted per table and not yet processed. */
  private readonly reserved = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private refusal: Error | null = null;
  records = 0;
  bytes = 0;

  constructor(readonly maxQueuedRecords: number) {}

  get length(): number {
    return this.inputs.length;
  }

  /** Records admitted for `table` and not yet processed. */
  queuedRecords(table: string): number {
    return this.reserved.get(table) ?? 0;
  }

  /** Requests waiting for room. */
  get waitingRequests(): number {
    return this.waiting.length;
  }

  private fits(table: string, records: number, bound: number): boolean {
    const queued = this.queuedRecords(table);
    return queued === 0 || queued + records <= bound;
  }

  private reserve(table: string, records: number): void {
    this.reserved.set(table, this.queuedRecords(table) + records);
  }

  /**
   * Resolves once `records` more records of `table` may be queued, and reserves room for them;
   * the caller must then `push` them. Rejects if `signal` aborts first (the client went away)
   * or the queue refuses input (`refuseAll`). `table` is the admission key (a connector's
   * endpoint name for connector input), `bound` its limit.
   */
  async admit(
    table: string,
    records: number,
    signal?: AbortSignal,
    bound = this.maxQueuedRecords,
  ): Promise<void> {
    if (this.refusal) throw this.refusal;
    // Decoding a large body yields the event loop: its client may have gone meanwhile.
    if (signal?.aborted) throw clientWentAway(table);
    if (!this.waiting.some((w) => w.table === table) && this.fits(table, records, bound)) {
      this.reserve(table, records);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(clientWentAway(table));
        // It may have been first in line for its table.
        this.admitWaiting();
      };
      const waiter: Waiter = {
        table,
        records,
        bound,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        refuse: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Admits waiting requests, in arrival order per table, while they fit. */
  private admitWaiting(): void {
    const blocked = new Set<string>();
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i]!;
      if (!blocked.has(w.table) && this.fits(w.table, w.records, w.bound)) {
        this.reserve(w.table, w.records);
        this.waiting.splice(i, 1);
        w.admit();
      } else {
        blocked.add(w.table);
        i++;
      }
    }
  }

  /** Queues an accepted input; `admitted` says its records were reserved by `admit`. */
  push(input: QueuedInput, admitted: boolean): void {
    if (!admitted) for (const [key, n] of admissionOf(input)) this.reserve(key, n);
    this.inputs.push(input);
    this.records += input.records;
    this.bytes += input.bytes;
  }

  /**
   * Removes and returns, for a step, queued inputs in order up to `maxRecords` records in
   * all, splitting the input that does not fit (see the module header). A step takes at least
   * one input or part; an input that cannot be split is taken whole even when it alone is
   * over the bound.
   */
  takeBatch(maxRecords: number): InputPart[] {
    const out: InputPart[] = [];
    let budget = maxRecords;
    while (this.inputs.length > 0 && budget > 0) {
      const head = this.inputs[0]!;
      const done = head.taken ?? 0;
      const left = head.records - done;
      if (left <= budget || !splittable(head)) {
        if (left > budget && out.length > 0) break;
        this.inputs.shift();
        out.push(
          done === 0 && !head.source ? { ...head, offset: 0, final: true } : this.part(head, done, left),
        );
        budget -= left;
        continue;
      }
      out.push(this.part(head, done, budget));
      budget = 0;
    }
    return out;
  }

  /**
   * Rows `[from, from + n)` of `input` as a part; marks them taken. Without `decode`, a part
   * of an input with a `source` is left without its rows (a rest that is dropped unprocessed).
   */
  private part(input: QueuedInput, from: number, n: number, decode = true): InputPart {
    const change = input.changes[0]!;
    const end = from + n;
    let rows: WeightedRow[] = [];
    let failure: unknown;
    if (!input.source) rows = change.rows.slice(from, end);
    else if (decode) {
      try {
        rows = input.source.read(from, end);
      } catch (err) {
        failure = err;
      }
    }
    const final = end === input.records;
    // Bytes are spread over the parts in proportion to their rows.
    const bytesTo = (rows: number) => Math.round((input.bytes * rows) / input.records);
    input.taken = end;
    return {
      ...input,
      changes: [{ table: change.table, rows }],
      records: n,
      bytes: bytesTo(end) - bytesTo(from),
      offset: from,
      final,
      ...(failure !== undefined ? { failure } : {}),
    };
  }

  /**
   * The input at the head of the queue when steps have taken part of it: its sequence number
   * and how many of its rows they took. A checkpoint taken between its parts records this.
   */
  partial(): { seq: number; taken: number } | null {
    const head = this.inputs[0];
    return head?.taken ? { seq: head.seq, taken: head.taken } : null;
  }

  /**
   * Removes what steps have not taken of input `seq` (at the head of the queue after a part
   * of it failed) and returns it as its final part, for the caller to reject; null if no rows
   * of it are left.
   */
  dropRest(seq: number): InputPart | null {
    const head = this.inputs[0];
    if (head?.seq !== seq) return null;
    this.inputs.shift();
    const done = head.taken ?? 0;
    return this.part(head, done, head.records - done, false);
  }

  /** Accounts for inputs a step finished with (processed or rejected), making room. */
  release(inputs: readonly QueuedInput[]): void {
    for (const input of inputs) {
      this.records -= input.records;
      this.bytes -= input.bytes;
      for (const [key, n] of admissionOf(input)) this.reserved.set(key, this.queuedRecords(key) - n);
    }
    this.admitWaiting();
  }

  /** Gives back the room `admit` reserved for `records` of `table` that were then not accepted. */
  withdraw(table: string, records: number): void {
    this.reserved.set(table, this.queuedRecords(table) - records);
    this.admitWaiting();
  }

  /** From now on refuses every request with `err`, waiting ones included. */
  refuseAll(err: Error): void {
    this.refusal = err;
    for (const w of this.waiting.splice(0)) w.refuse(err);
  }
}

function clientWentAway(table: string): ApiError {
  return new ApiError(
    'PipelineInteractionUnreachable',
    'The client went away before its ingress request was accepted (while it was decoded or waited for room in the input queue); nothing of it was ingested',
    { table },
  );
}

/** Whether steps may take `input` in parts: one table's rows, one record a row. */
function splittable(input: QueuedInput): boolean {
  return (
    input.source !== undefined ||
    (input.kind !== 'sql' && input.changes.length === 1 && input.changes[0]!.rows.length === input.records)
  );
}

/** The admission keys an input's records are reserved under, with their counts. */
function admissionOf(input: QueuedInput): Array<[string, number]> {
  if (input.connector) return [[input.connector.endpoint, input.records]];
  if (input.source) return [[input.changes[0]!.table, input.records]];
  return input.changes.map((c) => [c.table, c.rows.length]);
}
