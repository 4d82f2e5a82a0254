/**
 * The sampling interval of src/runtime/samply-profiler.ts: samply's 1 ms for ordinary
 * collections, longer for long ones so that a profile holds at most a million samples. (The
 * collection itself runs against a real pipeline process in test/e2e/samply-profile.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { samplingIntervalUs } from '../../src/runtime/samply-profiler.js';

test('1 ms up to 1000 s; then at most a million samples per collection', () => {
  assert.equal(samplingIntervalUs(0), 1000);
  assert.equal(samplingIntervalUs(30), 1000);
  assert.equal(samplingIntervalUs(1000), 1000);
  assert.equal(samplingIntervalUs(3600), 3600);
  assert.equal(samplingIntervalUs(86_400), 86_400);
  for (const secs of [1001, 5000, 86_400]) {
    assert.ok((secs * 1e6) / samplingIntervalUs(secs) <= 1_000_000, `${secs} s`);
  }
});
