/**
 * A V8 CPU profile (what `node:inspector`'s `Profiler.stop` returns) rewritten in the format
 * samply saves, so that `GET /samply_profile` gives Feldera's clients the file they expect and
 * `samply load` and profiler.firefox.com open it.
 *
 * samply writes the Firefox Profiler's *processed* profile format (through its
 * `fxprof-processed-profile` crate): `meta.version` 24, `meta.preprocessedProfileVersion` 49,
 * one thread per OS thread, each with column tables (every table is an object of equal-length
 * arrays plus `length`). The profiler upgrades any older processed version to its current one
 * on load, so a file at version 49 opens in today's profiler as samply's own files do. (It is
 * not the raw Gecko format that Firefox's built-in profiler emits, whose tables are
 * `{schema, data}` rows; Feldera's API calls the file a "samply profile".)
 *
 * The mapping, V8 → processed format:
 *
 * | V8 CPU profile                          | processed profile                              |
 * | --------------------------------------- | ---------------------------------------------- |
 * | the process                             | one thread: the main (JS) thread, tid = pid    |
 * | `callFrame` (name, url, line, column)   | one `funcTable` row per distinct call frame,   |
 * |                                         | `isJS` for script code, 1-based line/column    |
 * |                                         | (V8's are 0-based), `fileName` the script URL  |
 * | the same                                | one `frameTable` row per function (V8 reports  |
 * |                                         | no per-sample positions), `address` -1         |
 * | node of the call tree (not the root)    | one `stackTable` row, `prefix` = its parent's  |
 * |                                         | row (null under V8's `(root)`)                 |
 * | `samples[i]` at `startTime + Σ deltas`  | `samples` row: stack, time in ms since         |
 * |                                         | `meta.startTime` (wall clock at start)         |
 * | `(idle)`, `(garbage collector)`,        | frames in the categories Idle, GC / CC and     |
 * | `(program)` (V8 and native code)        | Other; script code is in JavaScript            |
 *
 * Where the process has a source map for a script (under tsx, or with `--enable-source-maps`),
 * `ProfileContext.sourcePosition` maps a function's position to its TypeScript source, so the
 * profile names `src/engine/zset.ts` line 30 rather than a column of transpiled code.
 *
 * Strings (function names, URLs) are interned into the thread's `stringArray`, which the
 * format's documentation calls the string table. Samples are sorted by time: V8 may record a
 * sample out of order, and the profiler assumes sorted samples.
 */

/** A call frame of V8's CPU profile (Chrome DevTools protocol `Runtime.CallFrame`). */
export interface V8CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based; -1 when unknown. */
  lineNumber: number;
  /** 0-based; -1 when unknown. */
  columnNumber: number;
}

/** `Profiler.Profile` of the Chrome DevTools protocol; times in microseconds. */
export interface V8CpuProfile {
  nodes: Array<{ id: number; callFrame: V8CallFrame; children?: number[] }>;
  startTime: number;
  endTime: number;
  /** Node id of each sample. */
  samples?: number[];
  /** Microseconds from the previous sample (the first: from `startTime`). */
  timeDeltas?: number[];
}

/** What the profile says about where it was taken. */
export interface ProfileContext {
  /** `meta.product`, shown as the profile's title. */
  product: string;
  /** The process name shown on its track. */
  processName: string;
  pid: number;
  /** Wall-clock time of the profile's start, milliseconds since the Unix epoch. */
  startTimeMs: number;
  /** The sampling interval, milliseconds. */
  intervalMs: number;
  /**
   * The original position of a function (0-based line and column, as V8's), or null to keep
   * V8's. Called once per distinct call frame.
   */
  sourcePosition?: (frame: V8CallFrame) => { url: string; lineNumber: number; columnNumber: number } | null;
}

type Column<T> = T[];

/** One thread of a processed profile (the fields samply writes). */
export interface ProfileThread {
  name: string;
  processName: string;
  processType: 'default';
  processStartupTime: number;
  processShutdownTime: number | null;
  registerTime: number;
  unregisterTime: number | null;
  pausedRanges: [];
  isMainThread: boolean;
  pid: string;
  tid: string;
  samples: {
    length: number;
    stack: Column<number | null>;
    time: Column<number>;
    weight: null;
    weightType: 'samples';
  };
  markers: {
    length: 0;
    category: [];
    data: [];
    endTime: [];
    name: [];
    phase: [];
    startTime: [];
  };
  stackTable: {
    length: number;
    prefix: Column<number | null>;
    frame: Column<number>;
    category: Column<number>;
    subcategory: Column<number>;
  };
  frameTable: {
    length: number;
    address: Column<number>;
    inlineDepth: Column<number>;
    category: Column<number>;
    subcategory: Column<number>;
    func: Column<number>;
    nativeSymbol: Column<null>;
    innerWindowID: Column<null>;
    implementation: Column<null>;
    line: Column<null>;
    column: Column<null>;
  };
  funcTable: {
    length: number;
    name: Column<number>;
    isJS: Column<boolean>;
    relevantForJS: Column<boolean>;
    resource: Column<number>;
    fileName: Column<number | null>;
    lineNumber: Column<number | null>;
    columnNumber: Column<number | null>;
  };
  resourceTable: { length: 0; lib: []; name: []; host: []; type: [] };
  nativeSymbols: { length: 0; address: []; functionSize: []; libIndex: []; name: [] };
  stringArray: string[];
}

/** A processed profile as samply writes it, with one thread. */
export interface FirefoxProfile {
  meta: Record<string, unknown> & { preprocessedProfileVersion: number; startTime: number };
  libs: [];
  pages: [];
  profilerOverhead: [];
  counters: [];
  threads: ProfileThread[];
}

/** The format version samply's `fxprof-processed-profile` writes. */
export const PROCESSED_PROFILE_VERSION = 49;

/** Categories, by index; `meta.categories` lists them in this order. */
const CATEGORIES = [
  { name: 'Other', color: 'grey', subcategories: ['Other'] },
  { name: 'Idle', color: 'transparent', subcategories: ['Other'] },
  { name: 'JavaScript', color: 'yellow', subcategories: ['Other'] },
  { name: 'GC / CC', color: 'orange', subcategories: ['Other'] },
];
const OTHER = 0;
const IDLE = 1;
const JAVASCRIPT = 2;
const GC = 3;

function categoryOf(frame: V8CallFrame): number {
  if (frame.url !== '') return JAVASCRIPT;
  switch (frame.functionName) {
    case '(idle)':
      return IDLE;
    case '(garbage collector)':
      return GC;
    case '(program)':
      return OTHER;
    default:
      // Builtins without a script (e.g. `Array.prototype.sort`'s native parts) run JS semantics.
      return frame.scriptId === '0' ? OTHER : JAVASCRIPT;
  }
}

/** `profile` in the processed format (see the module header for the mapping). */
export function toFirefoxProfile(profile: V8CpuProfile, context: ProfileContext): FirefoxProfile {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (s: string): number => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };

  const funcTable: ProfileThread['funcTable'] = {
    length: 0,
    name: [],
    isJS: [],
    relevantForJS: [],
    resource: [],
    fileName: [],
    lineNumber: [],
    columnNumber: [],
  };
  const frameTable: ProfileThread['frameTable'] = {
    length: 0,
    address: [],
    inlineDepth: [],
    category: [],
    subcategory: [],
    func: [],
    nativeSymbol: [],
    innerWindowID: [],
    implementation: [],
    line: [],
    column: [],
  };
  const stackTable: ProfileThread['stackTable'] = {
    length: 0,
    prefix: [],
    frame: [],
    category: [],
    subcategory: [],
  };

  // One function (and its one frame) per distinct call frame.
  const frameOfKey = new Map<string, number>();
  const frameOf = (cf: V8CallFrame): number => {
    const key = `${cf.functionName}\u0000${cf.url}\u0000${cf.lineNumber}\u0000${cf.columnNumber}`;
    let frame = frameOfKey.get(key);
    if (frame !== undefined) return frame;
    const category = categoryOf(cf);
    const at = (cf.url && context.sourcePosition?.(cf)) || cf;
    const func = funcTable.length++;
    funcTable.name.push(intern(cf.functionName || '(anonymous)'));
    funcTable.isJS.push(category === JAVASCRIPT);
    funcTable.relevantForJS.push(false);
    funcTable.resource.push(-1);
    funcTable.fileName.push(at.url ? intern(at.url) : null);
    funcTable.lineNumber.push(at.lineNumber >= 0 ? at.lineNumber + 1 : null);
    funcTable.columnNumber.push(at.columnNumber >= 0 ? at.columnNumber + 1 : null);
    frame = frameTable.length++;
    frameTable.address.push(-1);
    frameTable.inlineDepth.push(0);
    frameTable.category.push(category);
    frameTable.subcategory.push(0);
    frameTable.func.push(func);
    frameTable.nativeSymbol.push(null);
    frameTable.innerWindowID.push(null);
    frameTable.implementation.push(null);
    frameTable.line.push(null);
    frameTable.column.push(null);
    frameOfKey.set(key, frame);
    return frame;
  };

  // The call tree, walked from V8's `(root)` without recursion (deep stacks are common).
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const stackOfNode = new Map<number, number | null>();
  const pending: Array<{ id: number; prefix: number | null }> = [];
  for (const n of profile.nodes) {
    if (childIds.has(n.id)) continue;
    // A root: V8's `(root)` is no frame of its own, its children are the outermost frames.
    stackOfNode.set(n.id, null);
    for (const c of n.children ?? []) pending.push({ id: c, prefix: null });
  }
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const node = nodes.get(next.id);
    if (!node || stackOfNode.has(node.id)) continue;
    const frame = frameOf(node.callFrame);
    const stack = stackTable.length++;
    stackTable.prefix.push(next.prefix);
    stackTable.frame.push(frame);
    stackTable.category.push(frameTable.category[frame]!);
    stackTable.subcategory.push(0);
    stackOfNode.set(node.id, stack);
    for (const c of node.children ?? []) pending.push({ id: c, prefix: stack });
  }

  const sampleIds = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const timed: Array<{ stack: number | null; time: number }> = [];
  let at = profile.startTime;
  for (let i = 0; i < sampleIds.length; i++) {
    at += deltas[i] ?? 0;
    timed.push({ stack: stackOfNode.get(sampleIds[i]!) ?? null, time: (at - profile.startTime) / 1000 });
  }
  timed.sort((a, b) => a.time - b.time);

  const pid = String(context.pid);
  const thread: ProfileThread = {
    name: 'main',
    processName: context.processName,
    processType: 'default',
    processStartupTime: 0,
    processShutdownTime: null,
    registerTime: 0,
    unregisterTime: null,
    pausedRanges: [],
    isMainThread: true,
    pid,
    // Node runs JavaScript on the process's main thread, whose tid is the pid on Linux.
    tid: pid,
    samples: {
      length: timed.length,
      stack: timed.map((s) => s.stack),
      time: timed.map((s) => s.time),
      weight: null,
      weightType: 'samples',
    },
    markers: { length: 0, category: [], data: [], endTime: [], name: [], phase: [], startTime: [] },
    stackTable,
    frameTable,
    funcTable,
    resourceTable: { length: 0, lib: [], name: [], host: [], type: [] },
    nativeSymbols: { length: 0, address: [], functionSize: [], libIndex: [], name: [] },
    stringArray: strings,
  };

  return {
    meta: {
      version: 24,
      preprocessedProfileVersion: PROCESSED_PROFILE_VERSION,
      product: context.product,
      startTime: context.startTimeMs,
      interval: context.intervalMs,
      processType: 0,
      categories: CATEGORIES,
      debug: false,
      extensions: { length: 0, baseURL: [], id: [], name: [] },
      // Function names come with the profile: there is nothing for the profiler to look up.
      symbolicated: true,
      pausedRanges: [],
      markerSchema: [],
      usesOnlyOneStackType: true,
      doesNotUseFrameImplementation: true,
      sourceCodeIsNotOnSearchfox: true,
    },
    libs: [],
    pages: [],
    profilerOverhead: [],
    counters: [],
    threads: [thread],
  };
}
