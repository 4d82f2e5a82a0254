/**
 * The checkpoint benchmark's program and data: two keyed, materialized tables (customers and
 * orders, ten orders per customer), a GROUP BY view and a join view over them. Rows come from a
 * seeded generator, so every run builds the same state.
 */
import type { Row, WeightedRow } from '../../src/engine/index.js';
import { DEFAULT_MAX_BATCH_SIZE } from '../../src/runtime/data-plane.js';

/** What loading needs of a circuit. */
export interface Steppable {
  push(table: string, rows: WeightedRow[]): void;
  step(): unknown;
  ready(): Promise<void>;
}

export const PROGRAM_SQL = `
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, region VARCHAR NOT NULL)
  WITH ('materialized' = 'true');
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, amount INT NOT NULL,
  status VARCHAR NOT NULL, note VARCHAR NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW customer_totals AS
  SELECT customer_id, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer_id;
CREATE MATERIALIZED VIEW order_details AS
  SELECT o.id, o.amount, o.status, c.name, c.region FROM orders o JOIN customers c ON o.customer_id = c.id;`;

/**
 * Bytes of checkpointed state per order (its share of every trace's batches), measured with
 * this generator. It only aims the sizes: results are labeled by the bytes actually stored.
 */
const STATE_BYTES_PER_ORDER = 330;
const ORDERS_PER_CUSTOMER = 10;

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const SURNAMES = ['Smith', 'Garcia', 'Okafor', 'Nakamura', 'Kowalski', 'Haddad', 'Lindqvist', 'Moreau'];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'];
const CHANNELS = ['web', 'mobile app', 'phone', 'partner API'];
const INSTRUCTIONS = ['handle with care', 'leave at reception', 'call before delivery', 'no instructions'];

export interface Workload {
  orders: number;
  customers: number;
}

export function workloadFor(stateMiB: number): Workload {
  const orders = Math.round((stateMiB * 2 ** 20) / STATE_BYTES_PER_ORDER);
  return { orders, customers: Math.ceil(orders / ORDERS_PER_CUSTOMER) };
}

/** A seeded generator of 32-bit unsigned integers (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const pick = <T>(list: readonly T[], random: () => number): T => list[random() % list.length]!;

function customerRow(id: number, random: () => number): Row {
  return [id, `${pick(SURNAMES, random)} customer ${id}`, pick(REGIONS, random)];
}

export function orderRow(id: number, w: Workload, random: () => number): Row {
  const note = `order ${id} via ${pick(CHANNELS, random)}, dock ${random() % 100}, ${pick(INSTRUCTIONS, random)}`;
  return [id, random() % w.customers, random() % 100_000, pick(STATUSES, random), note];
}

/** Pushes rows `make(from)`..`make(to - 1)` into `table` and runs one step. */
function pushStep(
  circuit: Steppable,
  table: string,
  from: number,
  to: number,
  make: (i: number) => Row,
): void {
  const rows: WeightedRow[] = [];
  for (let i = from; i < to; i++) rows.push({ row: make(i), weight: 1 });
  circuit.push(table, rows);
  circuit.step();
}

/** Waits for the circuit's backpressure, then lets the event loop turn once, as between steps. */
async function nextTurn(circuit: Steppable): Promise<void> {
  await circuit.ready();
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Inserts every customer, then every order, `batch` rows per step, waiting before each step for
 * the circuit's backpressure (sealed state is written in the background), as the data plane
 * does; returns the rows pushed.
 */
export async function bulkLoad(
  circuit: Steppable,
  w: Workload,
  batch: number,
  random: () => number,
): Promise<number> {
  for (let i = 0; i < w.customers; i += batch) {
    pushStep(circuit, 'customers', i, Math.min(w.customers, i + batch), (id) => customerRow(id, random));
    await nextTurn(circuit);
  }
  for (let i = 0; i < w.orders; i += batch) {
    pushStep(circuit, 'orders', i, Math.min(w.orders, i + batch), (id) => orderRow(id, w, random));
    await nextTurn(circuit);
  }
  return w.customers + w.orders;
}

/**
 * Replaces `count` distinct orders spread over the key range (upserts by key: new customer,
 * amount, status and note), in steps of at most `DEFAULT_MAX_BATCH_SIZE` records with the
 * circuit's backpressure between them, as the data plane steps a request of that many records.
 * (One step of 36,000 upserts at 2 GiB of state under a 512 MiB limit exhausted the heap:
 * bench/README.md, "2 GiB under a 512 MiB limit, compiled".)
 */
export async function updateOrders(
  circuit: Steppable,
  w: Workload,
  count: number,
  random: () => number,
): Promise<void> {
  const stride = Math.floor(w.orders / count);
  for (let from = 0; from < count; from += DEFAULT_MAX_BATCH_SIZE) {
    if (from > 0) await nextTurn(circuit);
    const to = Math.min(count, from + DEFAULT_MAX_BATCH_SIZE);
    pushStep(circuit, 'orders', from, to, (i) => orderRow(i * stride + (random() % stride), w, random));
  }
}
