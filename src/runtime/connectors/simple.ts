/**
 * The connectors that move no data: `empty_input` (Feldera's: an input that ends at once, so
 * a table can take part in start-up ordering and completion without a source) and
 * `null_output` (discards what its view sends, counting it).
 */
import type { WeightedRow } from '../../engine/values/value.js';
import { InputEndpoint } from './endpoint.js';
import { OutputEndpoint } from './output-endpoint.js';

export class EmptyInputEndpoint extends InputEndpoint {
  async run(): Promise<void> {
    if (await this.untilActive()) this.markEnded('empty input');
  }

  protected onBatchDone(): void {}

  exportState(): { paused: boolean; ended: boolean } {
    return { paused: this.userPaused, ended: this.ended };
  }

  importState(state: unknown): void {
    const s = state as { paused: boolean; ended: boolean };
    this.userPaused = s.paused;
    if (s.ended) this.markEnded('ended before the checkpoint');
  }
}

export class NullOutputEndpoint extends OutputEndpoint {
  protected transmit(delta: readonly WeightedRow[]): void {
    for (const { weight } of delta) this.transmittedRecords += Math.abs(weight);
  }
}
