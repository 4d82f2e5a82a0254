/**
 * Checkpoint-sync metrics of a pipeline process, under the names of Feldera's
 * `CHECKPOINT_SYNC_{PUSH,PULL}_*` statics: success and failure counters, and histograms of
 * duration, bytes transferred and transfer speed. A pull counts as a success only when it
 * brought a checkpoint not already local (as Feldera counts a changed uuid), so a standby
 * that finds nothing new each round does not inflate it.
 */
import { BYTES_BUCKETS, Histogram, type Metric, SECONDS_BUCKETS } from './metrics.js';

class Direction {
  success = 0;
  failures = 0;
  readonly duration = new Histogram(SECONDS_BUCKETS);
  readonly bytes = new Histogram(BYTES_BUCKETS);
  readonly speed = new Histogram(BYTES_BUCKETS);

  transferred(durationMs: number, bytes: number): void {
    this.success++;
    const seconds = durationMs / 1000;
    this.duration.record(seconds);
    this.bytes.record(bytes);
    this.speed.record(seconds > 0 ? bytes / seconds : bytes);
  }

  metrics(dir: 'push' | 'pull'): Metric[] {
    const verb = dir === 'push' ? 'pushed to' : 'pulled from';
    const one = (value: number | Histogram) => [{ labels: {}, value }];
    const key = (name: string) => `checkpoint_sync_${dir}_${name}`;
    return [
      {
        key: key('success_total'),
        type: 'counter',
        description: `Number of checkpoints ${verb} the object store successfully.`,
        values: one(this.success),
      },
      {
        key: key('failures_total'),
        type: 'counter',
        description: `Number of failures when a checkpoint was ${verb} the object store.`,
        values: one(this.failures),
      },
      {
        key: key('duration_seconds'),
        type: 'histogram',
        description: `Time taken by a checkpoint ${verb} the object store, in seconds.`,
        values: one(this.duration),
      },
      {
        key: key('transferred_bytes'),
        type: 'histogram',
        description: `Bytes transferred when a checkpoint was ${verb} the object store.`,
        values: one(this.bytes),
      },
      {
        key: key('transfer_speed'),
        type: 'histogram',
        description: `Transfer speed when a checkpoint was ${verb} the object store, in bytes per second.`,
        values: one(this.speed),
      },
    ];
  }
}

export class SyncMetrics {
  readonly push = new Direction();
  readonly pull = new Direction();

  metrics(): Metric[] {
    return [...this.push.metrics('push'), ...this.pull.metrics('pull')];
  }
}
