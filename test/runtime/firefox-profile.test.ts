/**
 * The V8 → processed-profile conversion of src/runtime/firefox-profile.ts: exactly, on a small
 * call tree written out in the Chrome DevTools protocol's shape, and structurally, on a real
 * profile V8 takes of this test process through `node:inspector`.
 */
import assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import { describe, test } from 'node:test';
import { toFirefoxProfile, type V8CallFrame, type V8CpuProfile } from '../../src/runtime/firefox-profile.js';
import { assertProcessedProfile, functionsOf, sampledStacks } from '../helpers/firefox-profile.js';

const CONTEXT = {
  product: 'test',
  processName: 'test process',
  pid: 4242,
  startTimeMs: 1_700_000_000_000,
  intervalMs: 1,
};

function frame(
  functionName: string,
  url = '',
  lineNumber = -1,
  columnNumber = -1,
  scriptId = '0',
): V8CallFrame {
  return { functionName, scriptId, url, lineNumber, columnNumber };
}

/** A busy loop long enough for the sampler to catch it many times. */
function spinForSamplyTest(ms: number): number {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) for (let i = 0; i < 10_000; i++) x = (x + i * 7) % 1_000_003;
  return x;
}

describe('toFirefoxProfile', () => {
  test('a call tree: one stack per node under the root, functions once, samples in time order', () => {
    const v8: V8CpuProfile = {
      startTime: 1_000_000,
      endTime: 1_010_000,
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 5, 6] },
        { id: 2, callFrame: frame('step', 'file:///app/step.js', 9, 2, '7'), children: [3, 4] },
        { id: 3, callFrame: frame('', 'file:///app/step.js', 20, 0, '7') },
        { id: 4, callFrame: frame('(garbage collector)') },
        { id: 5, callFrame: frame('(idle)') },
        { id: 6, callFrame: frame('(program)'), children: [7] },
        // The same function again, reached another way: a new stack, the same function.
        { id: 7, callFrame: frame('step', 'file:///app/step.js', 9, 2, '7') },
      ],
      samples: [3, 5, 4, 7, 2],
      // The fourth sample was recorded out of order (a negative delta).
      timeDeltas: [1000, 1000, 3000, -2500, 4000],
    };
    const profile = toFirefoxProfile(v8, CONTEXT);
    assertProcessedProfile(profile);
    const [thread] = profile.threads;
    assert.ok(thread);
    assert.equal(thread.pid, '4242');
    assert.equal(thread.tid, '4242');
    assert.equal(profile.meta.startTime, CONTEXT.startTimeMs);
    const byName = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    assert.deepEqual(
      functionsOf(thread)
        .map((f) => [f.name, f.file, f.line])
        .sort(byName),
      [
        ['(program)', null, null],
        ['step', 'file:///app/step.js', 10],
        ['(idle)', null, null],
        ['(anonymous)', 'file:///app/step.js', 21],
        ['(garbage collector)', null, null],
      ].sort(byName),
    );
    assert.ok(!thread.stringArray.includes('(root)'), 'the root is no frame');
    // Times from the profile's start in ms: 1, 2, 5, 2.5, 6.5 → sorted.
    assert.deepEqual(thread.samples.time, [1, 2, 2.5, 5, 6.5]);
    assert.deepEqual(sampledStacks(thread), [
      ['step', '(anonymous)'],
      ['(idle)'],
      ['(program)', 'step'],
      ['step', '(garbage collector)'],
      ['step'],
    ]);
    const categoryNames = (profile.meta.categories as Array<{ name: string }>).map((c) => c.name);
    const categoryOf = (name: string) => {
      const f = functionsOf(thread).findIndex((x) => x.name === name);
      return categoryNames[thread.frameTable.category[thread.frameTable.func.indexOf(f)]!];
    };
    assert.equal(categoryOf('step'), 'JavaScript');
    assert.equal(categoryOf('(idle)'), 'Idle');
    assert.equal(categoryOf('(garbage collector)'), 'GC / CC');
    assert.equal(categoryOf('(program)'), 'Other');
    assert.equal(thread.funcTable.isJS[functionsOf(thread).findIndex((x) => x.name === 'step')], true);
  });

  test("a function's position through the source map, where there is one", () => {
    const v8: V8CpuProfile = {
      startTime: 0,
      endTime: 1000,
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('step', 'file:///app/step.js', 0, 4120, '7'), children: [3] },
        { id: 3, callFrame: frame('helper', 'file:///app/other.js', 3, 0, '8') },
      ],
      samples: [3],
      timeDeltas: [500],
    };
    const profile = toFirefoxProfile(v8, {
      ...CONTEXT,
      sourcePosition: (cf) =>
        cf.url.endsWith('step.js') ? { url: 'file:///app/step.ts', lineNumber: 41, columnNumber: 2 } : null,
    });
    assertProcessedProfile(profile);
    const [thread] = profile.threads;
    assert.ok(thread);
    assert.deepEqual(
      functionsOf(thread).map((f) => [f.name, f.file, f.line]),
      [
        ['step', 'file:///app/step.ts', 42],
        ['helper', 'file:///app/other.js', 4],
      ],
    );
  });

  test('a profile without samples is still a valid profile', () => {
    const profile = toFirefoxProfile(
      { startTime: 0, endTime: 0, nodes: [{ id: 1, callFrame: frame('(root)') }] },
      CONTEXT,
    );
    assertProcessedProfile(profile);
    assert.equal(profile.threads[0]?.samples.length, 0);
  });

  test("a real V8 profile of this process: the busy function's samples, under its own name and file", async () => {
    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 1000 });
      await session.post('Profiler.start');
      spinForSamplyTest(300);
      const { profile: v8 } = (await session.post('Profiler.stop')) as { profile: V8CpuProfile };
      const profile = toFirefoxProfile(v8, CONTEXT);
      assertProcessedProfile(profile);
      const [thread] = profile.threads;
      assert.ok(thread);
      const spin = functionsOf(thread).find((f) => f.name === 'spinForSamplyTest');
      assert.ok(spin, `the busy function is in the function table: ${thread.stringArray.join(', ')}`);
      assert.ok(spin.file?.endsWith('/test/runtime/firefox-profile.test.ts'), String(spin.file));
      const hits = sampledStacks(thread).filter((s) => s.includes('spinForSamplyTest')).length;
      assert.ok(hits >= 20, `samples in the busy function: ${hits} of ${thread.samples.length}`);
    } finally {
      session.disconnect();
    }
  });
});
