import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clockResolutionMs, PipelineClock } from '../../src/runtime/clock.js';
import { testDataPlane } from '../helpers/data-plane.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function plane(sql: string, clockResolutionUsecs: number | null) {
  return testDataPlane(sql, {
    incarnation: 'clock-test',
    clockResolutionUsecs,
    onRejected: () => {
      throw new Error('unexpected rejection');
    },
  }).plane;
}

describe('pipeline clock', () => {
  test("the resolution is Feldera's: microseconds rounded to whole milliseconds, at least 1, 1 s by default", () => {
    assert.equal(clockResolutionMs(null), 1000);
    assert.equal(clockResolutionMs(undefined), 1000);
    assert.equal(clockResolutionMs(100_000), 100);
    assert.equal(clockResolutionMs(1_499), 1);
    assert.equal(clockResolutionMs(1_500), 2);
    assert.equal(clockResolutionMs(0), 1);
  });

  test('a step time is the wall-clock time rounded down to the resolution; a tick comes one resolution later', async () => {
    let wall = 1_700_000_000_123;
    let ticks = 0;
    const clock = new PipelineClock(
      100_000,
      () => {
        ticks++;
      },
      () => wall,
    );
    assert.equal(clock.now(), 1_700_000_000_100);
    wall += 50;
    clock.arm(1_700_000_000_100);
    // Due at ...200, 27 ms after the (injected) wall time ...173.
    await sleep(5);
    assert.equal(ticks, 0);
    await sleep(120);
    assert.equal(ticks, 1);
    wall += 1000;
    clock.arm(1_700_000_000_100);
    clock.stop();
    await sleep(30);
    assert.equal(ticks, 1, 'a stopped clock does not tick');
  });

  test('a program with NOW() steps on its clock without input, and not while paused', async () => {
    const p = plane(
      'CREATE TABLE t (ts TIMESTAMP);\nCREATE MATERIALIZED VIEW v AS SELECT NOW() AS n FROM t;',
      20_000,
    );
    p.setRunning(true);
    await sleep(400);
    const ran = p.completedSteps;
    assert.ok(ran >= 3, `only ${ran} steps in 400 ms at a 20 ms resolution`);
    p.setRunning(false);
    await p.idle();
    const paused = p.completedSteps;
    await sleep(150);
    assert.equal(p.completedSteps, paused, 'no ticks while paused');
    p.setRunning(true);
    await sleep(100);
    assert.ok(p.completedSteps > paused, 'running again steps at once');
    p.setRunning(false);
    await p.idle();
  });

  test('a program without NOW() takes only its initial step', async () => {
    const p = plane(
      'CREATE TABLE t (ts TIMESTAMP);\nCREATE MATERIALIZED VIEW v AS SELECT ts FROM t;',
      20_000,
    );
    p.setRunning(true);
    await sleep(200);
    assert.equal(p.completedSteps, 1);
    p.setRunning(false);
    await p.idle();
  });
});
