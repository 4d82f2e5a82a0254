import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, type Metric, renderJson, renderPrometheus } from '../../src/runtime/metrics.js';

function sample(): Metric[] {
  const h = new Histogram([1, 10]);
  for (const v of [0.5, 5, 7, 50]) h.record(v);
  return [
    {
      key: 'records_processed_total',
      type: 'counter',
      description: 'Processed.',
      values: [{ labels: {}, value: 42 }],
    },
    {
      key: 'lag',
      type: 'gauge',
      description: 'Two\nlines',
      values: [
        { labels: { endpoint: 'a"b' }, value: 1.5 },
        { labels: { endpoint: 'c' }, value: Number.POSITIVE_INFINITY },
      ],
    },
    {
      key: 'duration_seconds',
      type: 'histogram',
      description: 'Durations.',
      values: [{ labels: {}, value: h }],
    },
  ];
}

test('Prometheus text: HELP, TYPE, escaped labels, cumulative histogram buckets', () => {
  assert.equal(
    renderPrometheus(sample()),
    [
      '# HELP records_processed_total Processed.',
      '# TYPE records_processed_total counter',
      'records_processed_total 42',
      '# HELP lag Two\\nlines',
      '# TYPE lag gauge',
      'lag{endpoint="a\\"b"} 1.5',
      'lag{endpoint="c"} +Inf',
      '# HELP duration_seconds Durations.',
      '# TYPE duration_seconds histogram',
      'duration_seconds_bucket{le="1"} 1',
      'duration_seconds_bucket{le="10"} 3',
      'duration_seconds_bucket{le="+Inf"} 4',
      'duration_seconds_sum 62.5',
      'duration_seconds_count 4',
      '',
    ].join('\n'),
  );
});

test("Feldera's JSON: keys, per-bucket counts with gt/le, infinities as strings", () => {
  const json = renderJson(sample());
  assert.deepEqual(json, [
    {
      key: 'records_processed_total',
      type: 'counter',
      description: 'Processed.',
      values: [{ labels: {}, value: 42 }],
    },
    {
      key: 'lag',
      type: 'gauge',
      description: 'Two\nlines',
      values: [
        { labels: { endpoint: 'a"b' }, value: 1.5 },
        { labels: { endpoint: 'c' }, value: 'inf' },
      ],
    },
    {
      key: 'duration_seconds',
      type: 'histogram',
      description: 'Durations.',
      values: [
        {
          labels: {},
          value: {
            buckets: [
              { le: 1, count: 1 },
              { gt: 1, le: 10, count: 2 },
              { gt: 10, count: 1 },
            ],
            sum: 62.5,
            count: 4,
          },
        },
      ],
    },
  ]);
  const empty = new Histogram([1]);
  assert.deepEqual(
    renderJson([{ key: 'h', type: 'histogram', description: '', values: [{ labels: {}, value: empty }] }]),
    [
      {
        key: 'h',
        type: 'histogram',
        description: '',
        values: [{ labels: {}, value: { buckets: [], sum: 0, count: 0 } }],
      },
    ],
  );
});
