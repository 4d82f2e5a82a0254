/**
 * The connectors of a running pipeline: made from the program's connector specs, started
 * after the checkpoint restore, driven by the pipeline's status and the connector endpoints,
 * and reported in `/stats`.
 *
 * Orchestration (Feldera's connectors/orchestration): an input connector starts in the state
 * its `paused` property says and is started or paused through the API; one with `start_after`
 * is started once every input connector carrying one of those labels has finished (its input
 * ended and was processed), even if it was created paused. The pipeline is complete, for `pipeline_complete`, once every
 * input connector has finished and the data plane has processed and sent out everything it
 * accepted; HTTP ingress does not count as an input that could still come, as in Feldera.
 *
 * A connector that cannot be opened (a datagen field naming no column, a file that cannot be
 * used) makes `create` or `start` throw Feldera's `InputTransportError` /
 * `OutputTransportError`, which fails the pipeline's start. Output connectors are opened in
 * `start`, after the restore, because a `file_output` resumed from a checkpoint continues the
 * file where the checkpoint left it instead of truncating it.
 */
import { loadFakeStrings } from '../../connectors/datagen/fake.js';
import type { FakeStrings } from '../../connectors/datagen/fields.js';
import { unknownFieldMessage, usesFakeStrings } from '../../connectors/datagen/settings.js';
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { WeightedRow } from '../../engine/values/value.js';
import type { DataPlane } from '../data-plane.js';
import type { RelationShape } from '../engine-api.js';
import type { PipelineLogger } from '../log.js';
import { DatagenEndpoint, parseJournalEntry } from './datagen.js';
import type { EndpointHost, InputEndpoint } from './endpoint.js';
import { FileInputEndpoint, type FileJournalEntry } from './file-input.js';
import { FileOutputEndpoint } from './file-output.js';
import type { ConnectorHooks, RegeneratedBatch } from './hooks.js';
import type { OutputEndpoint } from './output-endpoint.js';
import { EmptyInputEndpoint, NullOutputEndpoint } from './simple.js';
import { fatalTransportError } from './transport-error.js';

/** A relation name as the identifier rule looks it up exactly. */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class ConnectorSet implements ConnectorHooks {
  private readonly inputs = new Map<string, InputEndpoint>();
  private readonly outputs = new Map<string, OutputEndpoint>();

  private constructor(
    plane: DataPlane,
    private readonly log: PipelineLogger,
    fake: FakeStrings | null,
    dataDir: string,
  ) {
    const host: EndpointHost = {
      admitConnector: (endpoint, records, bound) => plane.admitConnector(endpoint, records, bound),
      acceptConnector: (...args) => plane.acceptConnector(...args),
      queuedRecords: (endpoint) => plane.queuedRecordsOf(endpoint),
      changed: () => this.changed(),
      log,
    };
    for (const spec of plane.program.connectors) {
      const relation = plane.program.lookupRelation(quoted(spec.relation));
      if (!relation) throw new Error(`connector '${spec.endpoint}': no relation '${spec.relation}'`);
      if (spec.direction === 'output') {
        this.outputs.set(
          spec.endpoint,
          spec.transport === 'file_output'
            ? new FileOutputEndpoint(spec, plane, relation.columns, dataDir, log)
            : new NullOutputEndpoint(spec, plane),
        );
        continue;
      }
      // Feldera compiles a datagen plan naming a field that is no column and fails the
      // connector when it opens, which stops the pipeline's start (settings.ts).
      const unknown = spec.datagen?.unknownFields[0];
      if (unknown !== undefined)
        throw fatalTransportError('input', spec.endpoint, unknownFieldMessage(unknown));
      this.inputs.set(spec.endpoint, this.inputFor(spec, relation, fake, host, dataDir));
    }
    this.changed();
  }

  private inputFor(
    spec: ConnectorSpec,
    table: RelationShape,
    fake: FakeStrings | null,
    host: EndpointHost,
    dataDir: string,
  ): InputEndpoint {
    switch (spec.transport) {
      case 'datagen':
        return new DatagenEndpoint(spec, table.columns, fake, host);
      case 'file_input':
        return new FileInputEndpoint(spec, table, dataDir, host);
      case 'empty_input':
        return new EmptyInputEndpoint(spec, host);
      default:
        throw new Error(`connector '${spec.endpoint}': transport '${spec.transport}' has no runtime`);
    }
  }

  /**
   * The connectors of `plane`'s program (loading the fake-string library if one needs it).
   * `dataDir` is Sluice's data directory, which file connectors may not touch. Throws an
   * `ApiError` (`InputTransportError`, `OutputTransportError`) for a connector that cannot
   * be opened: the pipeline does not start.
   */
  static async create(plane: DataPlane, log: PipelineLogger, dataDir: string): Promise<ConnectorSet> {
    const needsFake = plane.program.connectors.some((c) => c.datagen !== null && usesFakeStrings(c.datagen));
    return new ConnectorSet(plane, log, needsFake ? await loadFakeStrings() : null, dataDir);
  }

  get isEmpty(): boolean {
    return this.inputs.size === 0 && this.outputs.size === 0;
  }

  /**
   * Opens the output connectors and starts the input connectors' read loops; call once, after
   * restoring the checkpoint. Throws as `create` does.
   */
  start(): void {
    for (const output of this.outputs.values()) output.open();
    for (const input of this.inputs.values()) {
      input.run().catch((err: Error) => {
        this.log.error(`input connector '${input.endpoint}' stopped on an unexpected error: ${err.stack}`);
        input.crashed(err.message);
      });
    }
  }

  setPipelineRunning(running: boolean): void {
    for (const input of this.inputs.values()) {
      input.pipelineRunning = running;
      input.notify();
    }
  }

  /** Stops every read loop for good and flushes the output buffers (the pipeline is going down). */
  stop(): void {
    for (const input of this.inputs.values()) input.stop();
    for (const output of this.outputs.values()) output.close();
  }

  /** Transmits what the output connectors buffered (a forced stop is going to end the process). */
  flushOutputs(): void {
    for (const output of this.outputs.values()) output.flush();
  }

  /** Every input connector has finished: its input ended and was processed. */
  get finished(): boolean {
    for (const input of this.inputs.values()) if (!input.finished) return false;
    return true;
  }

  /** The input connector `name` of `table` (canonical table name). */
  inputEndpoint(table: string, name: string): InputEndpoint | undefined {
    return this.inputs.get(`${table}.${name}`);
  }

  outputEndpoint(view: string, name: string): OutputEndpoint | undefined {
    return this.outputs.get(`${view}.${name}`);
  }

  inputStatuses(): Array<Record<string, unknown>> {
    return [...this.inputs.values()].map((i) => i.status());
  }

  outputStatuses(): Array<Record<string, unknown>> {
    return [...this.outputs.values()].map((o) => o.status());
  }

  /**
   * Re-evaluates `start_after` once an input connector ended or had a batch processed. A
   * connector whose labels all finished is started, even one created `"paused": true`: Feldera
   * starts it then (its suspend test pauses every connector and expects the `start_after` one
   * to run once the labelled one ends). On a restore (`starting` false) it is only let through
   * its gate: its paused flag comes from the checkpoint, which already holds that start, or a
   * pause the user made since.
   */
  private changed(starting = true): void {
    const all = [...this.inputs.values()];
    for (const input of all) {
      if (input.spec.startAfter.length === 0 || input.startAfterMet) continue;
      const waitsFor = all.filter((o) => o.spec.labels.some((l) => input.spec.startAfter.includes(l)));
      if (waitsFor.every((o) => o.finished)) {
        input.startAfterMet = true;
        this.log.info(
          `input connector '${input.endpoint}' may start: every connector labelled ${input.spec.startAfter.map((l) => `'${l}'`).join(', ')} has finished`,
        );
        if (starting) input.setPaused(false);
        input.notify();
      }
    }
  }

  inputDone(endpoint: string, position: unknown): void {
    this.inputs.get(endpoint)?.batchDone(position);
  }

  output(relation: string, delta: readonly WeightedRow[]): void {
    for (const out of this.outputs.values()) if (out.spec.relation === relation) out.send(delta);
  }

  /**
   * Each connector's state by endpoint name (inputs: positions; outputs: e.g. a file's length).
   * Output buffers are flushed first, so the state covers exactly the steps taken so far and a
   * checkpoint never waits for a buffer's timer (output-endpoint.ts).
   */
  exportState(): Record<string, unknown> {
    const state: Record<string, unknown> = {};
    for (const i of this.inputs.values()) state[i.endpoint] = i.exportState();
    for (const o of this.outputs.values()) {
      o.flush();
      const s = o.exportState();
      if (s !== undefined) state[o.endpoint] = s;
    }
    return state;
  }

  importState(state: Record<string, unknown>): void {
    for (const [endpoint, s] of Object.entries(state)) {
      this.inputs.get(endpoint)?.importState(s);
      this.outputs.get(endpoint)?.importState(s);
    }
    this.changed(false);
  }

  regenerate(payload: string): RegeneratedBatch {
    const { endpoint } = JSON.parse(payload) as { endpoint: string };
    const input = this.inputs.get(endpoint);
    const batch =
      input instanceof DatagenEndpoint
        ? input.regenerate(parseJournalEntry(payload))
        : input instanceof FileInputEndpoint
          ? input.regenerate(JSON.parse(payload) as FileJournalEntry)
          : null;
    if (!input || !batch)
      throw new Error(
        `the journal names connector '${endpoint}', which this program has no datagen or file_input connector of`,
      );
    return { endpoint: input.endpoint, table: input.spec.relation, ...batch };
  }
}
