/**
 * Progress of a long CLI operation (a checkpoint, a sync, a pull, an upload, a wait for a
 * status), shown on stderr so stdout keeps only results.
 *
 * On a terminal it is one line redrawn in place (cli-progress), cleared when the operation
 * ends; elsewhere (a pipe, a CI log) the same line is printed plainly at the start, every
 * `intervalMs` (2 s unless SLUICE_PROGRESS_INTERVAL_MS says otherwise), and at the end if it
 * changed. The line is a bar with percent, files, bytes and rate when the server
 * reports totals (sync and pull do), and the phase with the time spent otherwise (a checkpoint
 * being written reports only its phase).
 */
import { SingleBar } from 'cli-progress';

/** One report of an operation's progress; any field may be unknown. */
export interface ProgressSnapshot {
  phase?: string;
  filesDone?: number;
  filesTotal?: number;
  bytesDone?: number;
  bytesTotal?: number;
}

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `"1.5 KiB"`: binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
}

/** Fraction done in [0, 1] by bytes, else by files; null when no total is known. */
export function fractionDone(s: ProgressSnapshot): number | null {
  if (s.bytesTotal !== undefined && s.bytesTotal > 0) return Math.min(1, (s.bytesDone ?? 0) / s.bytesTotal);
  if (s.filesTotal !== undefined && s.filesTotal > 0) return Math.min(1, (s.filesDone ?? 0) / s.filesTotal);
  if (s.bytesTotal === 0 && s.filesTotal === 0) return 1;
  return null;
}

const BAR_WIDTH = 24;

/**
 * The progress line: `label [=====-----]  45% | 3/10 files | 4.5 MiB/10.0 MiB | 2.1 MiB/s | phase`
 * with totals, `label: phase (3.2 s)` without. `bytesPerSecond` is null until measurable.
 */
export function progressLine(
  label: string,
  s: ProgressSnapshot,
  bytesPerSecond: number | null,
  elapsedMs: number,
): string {
  const fraction = fractionDone(s);
  if (fraction === null) {
    const counts = [
      s.filesDone !== undefined ? `${s.filesDone} files` : null,
      s.bytesDone !== undefined ? formatBytes(s.bytesDone) : null,
    ].filter((x) => x !== null);
    return `${label}: ${s.phase ?? 'waiting'}${counts.length > 0 ? `, ${counts.join(', ')}` : ''} (${formatSeconds(elapsedMs)})`;
  }
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'='.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
  const parts = [`${label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%`];
  if (s.filesTotal !== undefined) parts.push(`${s.filesDone ?? 0}/${s.filesTotal} files`);
  if (s.bytesTotal !== undefined || s.bytesDone !== undefined) {
    parts.push(
      `${formatBytes(s.bytesDone ?? 0)}/${s.bytesTotal !== undefined ? formatBytes(s.bytesTotal) : '?'}`,
      bytesPerSecond === null ? '-- /s' : `${formatBytes(Math.round(bytesPerSecond))}/s`,
    );
  }
  if (s.phase) parts.push(s.phase);
  return parts.join(' | ');
}

/** Bytes per second over the last few seconds of samples. */
class RateMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  add(at: number, bytes: number): void {
    const last = this.samples.at(-1);
    if (last && bytes < last.bytes) this.samples.length = 0; // a new transfer began
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > 5000) this.samples.shift();
  }

  perSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 200) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }
}

/** Where a progress line goes: redrawn in place on a terminal, printed plainly elsewhere. */
interface LineSink {
  show(): void;
  end(): void;
}

/** A terminal: cli-progress redraws the line in place and clears it at the end. */
function terminalSink(stream: ProgressStream, line: () => string): LineSink {
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: line,
    clearOnComplete: true,
    hideCursor: true,
    linewrap: false,
    gracefulExit: true,
  });
  let started = false;
  return {
    show() {
      // The value only makes cli-progress redraw; the line is all `format`'s.
      if (started) bar.update({});
      else bar.start(1, 0);
      started = true;
    },
    end() {
      if (started) bar.stop();
    },
  };
}

/**
 * A pipe or a log: the line at the first report, then every `intervalMs`, then at the end
 * unless nothing changed since it was last printed.
 */
function plainSink(
  stream: ProgressStream,
  line: () => string,
  changed: () => boolean,
  intervalMs: number,
): LineSink {
  let timer: NodeJS.Timeout | null = null;
  const print = () => stream.write(`${line()}\n`);
  return {
    show() {
      if (timer) return;
      print();
      timer = setInterval(print, intervalMs);
    },
    end() {
      if (!timer) return;
      clearInterval(timer);
      if (changed()) print();
    },
  };
}

const active = new Set<ProgressDisplay>();

/** Ends every progress line (restoring the terminal's cursor), e.g. on Ctrl-C. */
export function stopAllProgress(): void {
  for (const display of active) display.stop();
}

/** A progress line for one operation; `stop()` ends it (and clears it on a terminal). */
export class ProgressDisplay {
  private readonly sink: LineSink;
  private readonly rate = new RateMeter();
  private started: number | null = null;
  private snapshot: ProgressSnapshot = {};
  private printed = '';
  private stopped = false;

  constructor(
    private readonly label: string,
    stream: ProgressStream,
    intervalMs = Number(process.env.SLUICE_PROGRESS_INTERVAL_MS) || 2000,
  ) {
    const line = () => this.line();
    this.sink = stream.isTTY
      ? terminalSink(stream, line)
      : plainSink(stream, line, () => JSON.stringify(this.snapshot) !== this.printed, intervalMs);
  }

  private line(): string {
    this.printed = JSON.stringify(this.snapshot);
    return progressLine(
      this.label,
      this.snapshot,
      this.rate.perSecond(),
      Date.now() - (this.started ?? Date.now()),
    );
  }

  /** Shows `snapshot`; the line first appears with the first report, never empty. */
  update(snapshot: ProgressSnapshot): void {
    if (this.stopped) return;
    this.snapshot = snapshot;
    this.started ??= Date.now();
    active.add(this);
    if (snapshot.bytesDone !== undefined) this.rate.add(Date.now(), snapshot.bytesDone);
    this.sink.show();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    active.delete(this);
    this.sink.end();
  }
}

function numberField(o: Record<string, unknown>, ...names: string[]): number | undefined {
  for (const name of names) if (typeof o[name] === 'number') return o[name] as number;
  return undefined;
}

/**
 * Reads a progress object as the server reports it: `progress` of `/checkpoint/sync_status`
 * (`phase`, `files_done`, `files_total`, `bytes_done`, `bytes_total`), of `/checkpoint_status`
 * (`phase`, `files_written`, `bytes_written`), or a pull in a status's details (`filesDone`, ...).
 */
export function snapshotOf(progress: unknown): ProgressSnapshot {
  if (typeof progress === 'string') return { phase: progress };
  if (typeof progress !== 'object' || progress === null) return {};
  const o = progress as Record<string, unknown>;
  const snapshot: ProgressSnapshot = {};
  if (typeof o.phase === 'string') snapshot.phase = o.phase;
  const fields = {
    filesDone: numberField(o, 'files_done', 'filesDone', 'files_written'),
    filesTotal: numberField(o, 'files_total', 'filesTotal'),
    bytesDone: numberField(o, 'bytes_done', 'bytesDone', 'bytes_written'),
    bytesTotal: numberField(o, 'bytes_total', 'bytesTotal'),
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) snapshot[key as keyof typeof fields] = value;
  }
  return snapshot;
}
