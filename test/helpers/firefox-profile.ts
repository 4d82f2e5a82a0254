/**
 * Checks that a value is a well-formed Firefox Profiler processed profile of the kind samply
 * writes (the invariants the profiler's loader relies on: equal-length columns, indexes that
 * point inside their tables, prefixes that point to earlier stacks, samples in time order),
 * and finds things in it for tests. The Firefox Profiler itself (a web app) and `samply load`
 * cannot run here, so this is the check of the format in our tests.
 */
import assert from 'node:assert/strict';

// biome-ignore lint/suspicious/noExplicitAny: a profile is checked field by field
type Json = any;

function columns(table: Json, names: string[], what: string): void {
  assert.equal(typeof table?.length, 'number', `${what}.length`);
  for (const n of names) {
    assert.ok(Array.isArray(table[n]), `${what}.${n} is a column`);
    assert.equal(table[n].length, table.length, `${what}.${n} has ${what}.length entries`);
  }
}

function index(value: unknown, size: number, what: string): void {
  assert.ok(
    Number.isInteger(value) && (value as number) >= 0 && (value as number) < size,
    `${what}: ${value}`,
  );
}

/** Asserts the structure of `profile` (see the module header). */
export function assertProcessedProfile(profile: Json): void {
  assert.equal(profile.meta.version, 24);
  assert.equal(profile.meta.preprocessedProfileVersion, 49);
  assert.equal(typeof profile.meta.startTime, 'number');
  assert.ok(profile.meta.interval > 0);
  const categories: Json[] = profile.meta.categories;
  assert.ok(categories.length > 0);
  for (const key of ['libs', 'pages', 'counters', 'threads']) assert.ok(Array.isArray(profile[key]), key);
  assert.ok(profile.threads.length > 0);
  for (const t of profile.threads) {
    const strings: string[] = t.stringArray;
    assert.ok(
      strings.every((s) => typeof s === 'string'),
      'stringArray holds strings',
    );
    assert.equal(typeof t.pid, 'string');
    assert.equal(typeof t.tid, 'string');
    columns(
      t.funcTable,
      ['name', 'isJS', 'relevantForJS', 'resource', 'fileName', 'lineNumber', 'columnNumber'],
      'funcTable',
    );
    columns(
      t.frameTable,
      [
        'address',
        'inlineDepth',
        'category',
        'subcategory',
        'func',
        'nativeSymbol',
        'innerWindowID',
        'implementation',
        'line',
        'column',
      ],
      'frameTable',
    );
    columns(t.stackTable, ['prefix', 'frame', 'category', 'subcategory'], 'stackTable');
    columns(t.samples, ['stack', 'time'], 'samples');
    columns(t.markers, ['category', 'data', 'endTime', 'name', 'phase', 'startTime'], 'markers');
    for (let f = 0; f < t.funcTable.length; f++) {
      index(t.funcTable.name[f], strings.length, 'funcTable.name');
      const file = t.funcTable.fileName[f];
      if (file !== null) index(file, strings.length, 'funcTable.fileName');
      for (const col of ['lineNumber', 'columnNumber']) {
        const v = t.funcTable[col][f];
        assert.ok(v === null || (Number.isInteger(v) && v >= 1), `funcTable.${col} is 1-based: ${v}`);
      }
    }
    for (let f = 0; f < t.frameTable.length; f++) {
      index(t.frameTable.func[f], t.funcTable.length, 'frameTable.func');
      index(t.frameTable.category[f], categories.length, 'frameTable.category');
    }
    for (let s = 0; s < t.stackTable.length; s++) {
      const prefix = t.stackTable.prefix[s];
      if (prefix !== null) index(prefix, s, 'stackTable.prefix points to an earlier stack');
      index(t.stackTable.frame[s], t.frameTable.length, 'stackTable.frame');
      index(t.stackTable.category[s], categories.length, 'stackTable.category');
    }
    for (let i = 0; i < t.samples.length; i++) {
      const stack = t.samples.stack[i];
      if (stack !== null) index(stack, t.stackTable.length, 'samples.stack');
      if (i > 0) assert.ok(t.samples.time[i] >= t.samples.time[i - 1], 'samples in time order');
    }
  }
}

/** The functions of a thread, with their names and files as strings. */
export function functionsOf(thread: Json): Array<{ name: string; file: string | null; line: number | null }> {
  const strings: string[] = thread.stringArray;
  return thread.funcTable.name.map((n: number, f: number) => ({
    name: strings[n]!,
    file: thread.funcTable.fileName[f] === null ? null : strings[thread.funcTable.fileName[f]]!,
    line: thread.funcTable.lineNumber[f],
  }));
}

/** The function names of each sample's stack, outermost first. */
export function sampledStacks(thread: Json): string[][] {
  const strings: string[] = thread.stringArray;
  return thread.samples.stack.map((leaf: number | null) => {
    const names: string[] = [];
    for (let s = leaf; s !== null; s = thread.stackTable.prefix[s]) {
      names.unshift(strings[thread.funcTable.name[thread.frameTable.func[thread.stackTable.frame[s]]]]!);
    }
    return names;
  });
}
