/**
 * Property: every ingress body, however hostile, is either accepted whole with exactly the
 * rows it says, or answered with a 400 `ParseErrors` whose first error is its first bad
 * record. As in Feldera, a refused JSON array, and a body the readers cannot read past
 * (broken syntax, invalid UTF-8, a byte order mark), leave the table exactly as it was; a
 * newline-delimited body otherwise keeps its good records: the errors then name exactly its
 * spoiled records, and the table gains exactly the other records' rows. Bodies come from test/helpers/hostile-input.ts;
 * they go through a real data plane (decoder, input queue, circuit). The e2e twin of this
 * test (test/e2e/ingress-hostile.test.ts) sends fewer of them to a real pipeline over HTTP.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileProgram } from '../../../src/engine/index.js';
import { DataPlane } from '../../../src/runtime/data-plane.js';
import type { EngineProgram } from '../../../src/runtime/engine-api.js';
import { decodeUtf8, firstInvalidUtf8 } from '../../../src/runtime/formats/utf8.js';
import { PipelineLogger } from '../../../src/runtime/log.js';
import { ApiError } from '../../../src/types/errors.js';
import {
  applyRecords,
  type Case,
  caseArb,
  encodeCase,
  type Rec,
  rowKey,
  skippingBadRecords,
  TABLE,
  TABLE_SQL,
} from '../../helpers/hostile-input.js';

class QuietLog extends PipelineLogger {
  override info(): void {}
  override warn(): void {}
  override error(): void {}
}

const compiled = compileProgram(TABLE_SQL);
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
const program: EngineProgram = compiled.program;

/** Rows already in the table before each generated body. */
const BASE: Rec[] = Array.from({ length: 40 }, (_, i) => ({
  id: BigInt(i),
  name: `base ${i}`,
  score: i / 4,
  amount: `${i}.50`,
  flag: i % 2 === 0,
  day: '2024-02-29',
  n: i,
}));
const BASE_BODY = BASE.map((r) => JSON.stringify({ insert: { ...r, id: Number(r.id) } })).join('\n');

function tableOf(plane: DataPlane): Map<string, string> {
  return new Map(plane.circuit.snapshot(TABLE).map(({ row }) => [String(row[0]), rowKey(row)]));
}

async function freshPlane(): Promise<DataPlane> {
  const plane = new DataPlane(program, 'property', new QuietLog(), {
    onRejected: (r) => assert.fail(`no step should fail: ${JSON.stringify(r)}`),
    onFatal: (message) => assert.fail(message),
  });
  plane.setRunning(true);
  await plane.ingest(TABLE, BASE_BODY, { format: 'json', updateFormat: 'insert_delete', array: false });
  await plane.idle();
  return plane;
}

interface Tally {
  tried: number;
  accepted: number;
  refused: number;
  partial: number;
}

/** Runs one case through a fresh data plane and checks the property. */
async function check(c: Case, tally: Tally): Promise<void> {
  const { body, refusedAt } = encodeCase(c);
  const plane = await freshPlane();
  const before = tableOf(plane);
  let refusal: unknown = null;
  try {
    await plane.ingest(TABLE, body, { format: c.format, updateFormat: c.updateFormat, array: c.array });
    await plane.idle();
  } catch (err) {
    refusal = err;
  }
  // The good records of a body answered with errors are queued: let the steps take them.
  await plane.idle();
  tally.tried++;
  const after = tableOf(plane);
  if (refusedAt === null) {
    assert.equal(refusal, null, `a valid body was refused: ${(refusal as Error)?.message}`);
    const expected = new Map(before);
    applyRecords(expected, c.records);
    assert.deepEqual(after, expected);
    tally.accepted++;
    return;
  }
  assert.ok(
    refusal instanceof ApiError,
    `a hostile body was accepted (expected a refusal at record ${refusedAt})`,
  );
  assert.equal(refusal.status, 400);
  assert.equal(refusal.errorCode, 'ParseErrors');
  const details = refusal.details as {
    errors: Array<{ event_number: number }>;
    num_errors: number;
    ingested_records: number;
  };
  assert.equal(details.errors[0]?.event_number, refusedAt, `names record ${refusedAt}: ${refusal.message}`);
  assert.match(
    refusal.message,
    new RegExp(
      `^Errors parsing input data \\(${details.num_errors} errors\\):\n {4}Parse error \\(event #${refusedAt}\\): `,
    ),
  );
  if (details.ingested_records === 0) {
    assert.deepEqual(after, before, 'a refusal changes nothing');
    tally.refused++;
    return;
  }
  assert.equal(c.array, false, 'an array body is all or nothing');
  const { bad, good } = skippingBadRecords(c);
  assert.deepEqual(
    details.errors.map((e) => e.event_number),
    bad,
    refusal.message,
  );
  assert.equal(details.ingested_records, good.length);
  const expected = new Map(before);
  applyRecords(expected, good);
  assert.deepEqual(after, expected, 'exactly the good records are kept');
  tally.partial++;
}

const RUNS = 250;

describe('the JSON and CSV readers over generated hostile input (fast-check)', () => {
  for (const format of ['json', 'csv'] as const) {
    test(`${format}: each body is accepted whole, refused whole, or keeps exactly its good records`, async () => {
      const tally: Tally = { tried: 0, accepted: 0, refused: 0, partial: 0 };
      const arb = fc.oneof(
        { weight: 1, arbitrary: caseArb(format, false) },
        { weight: 2, arbitrary: caseArb(format, true) },
      );
      await fc.assert(
        fc.asyncProperty(arb, (c) => check(c, tally)),
        { numRuns: RUNS },
      );
      console.log(
        `readers property (${format}): tried ${tally.tried} inputs, ${tally.accepted} accepted whole, ${tally.partial} with their good records kept, ${tally.refused} refused whole`,
      );
      assert.ok(
        tally.accepted > RUNS / 10 && tally.refused + tally.partial > RUNS / 3 && tally.partial > 0,
        JSON.stringify(tally),
      );
    });
  }

  test('the UTF-8 validator agrees with a fatal TextDecoder on arbitrary bytes', () => {
    let tried = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.string({ unit: 'binary', maxLength: 16 }),
        (bytes, text) => {
          tried++;
          const mixed = Buffer.concat([Buffer.from(text), bytes]);
          let valid = true;
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(mixed);
          } catch {
            valid = false;
          }
          assert.equal(firstInvalidUtf8(mixed) === -1, valid);
          const decoded = decodeUtf8(mixed);
          assert.equal(decoded.invalid === null, valid);
          if (decoded.invalid) assert.ok(decoded.invalid.byte >= Buffer.byteLength(text));
        },
      ),
      { numRuns: 2000 },
    );
    console.log(`readers property (UTF-8): tried ${tried} byte strings`);
  });
});
