/** Sluice: the view compiled by the engine; each batch is pushed and one `step()` is run. */
import { type Circuit, compileProgram, type Value, type WeightedRow } from '../../src/engine/index.js';
import type { Batch, Delta } from './data.js';
import { rowHash, type ViewEngine } from './view-engine.js';
import { SLUICE_TABLES, VIEW_SQL, type ViewName } from './views.js';

const weighted = (deltas: Delta<Value[]>[]): WeightedRow[] =>
  deltas.map(([row, weight]) => ({ row, weight }));

export class SluiceEngine implements ViewEngine {
  private readonly circuit: Circuit;
  private output: WeightedRow[] = [];
  private sum = 0;

  constructor(private readonly view: ViewName) {
    const compiled = compileProgram(`${SLUICE_TABLES}\nCREATE VIEW ${view} AS ${VIEW_SQL[view]};`);
    if (!compiled.ok) throw new Error(`view ${view} does not compile: ${JSON.stringify(compiled.errors)}`);
    this.circuit = compiled.program.instantiate();
  }

  prepare(batch: Batch): () => void {
    const customers = weighted(batch.customers);
    const orders = weighted(batch.orders);
    return () => {
      if (customers.length > 0) this.circuit.push('customers', customers);
      if (orders.length > 0) this.circuit.push('orders', orders);
      this.output = this.circuit.step().get(this.view)!;
    };
  }

  load(batch: Batch): void {
    this.prepare(batch)();
    this.settle();
  }

  settle(): void {
    for (const { row, weight } of this.output) this.sum += weight * rowHash(row);
    this.output = [];
  }

  checksum(): number {
    return this.sum;
  }
}
