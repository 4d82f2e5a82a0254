/**
 * Deterministic data for the engine benchmark: `customers(id, region, name)` and
 * `orders(id, customer_id, amount, status)`, generated from a seed so every engine (each in its
 * own process) receives exactly the same rows and the same changes in the same order.
 */
import { mulberry32 } from '../prng.js';

export type CustomerRow = [id: number, region: string, name: string];
export type OrderRow = [id: number, customerId: number, amount: number, status: string];
/** A Z-set change: the row and its weight (+1 insert, -1 delete). */
export type Delta<R> = [row: R, weight: number];

/** Changes to both tables, applied together as one step. */
export interface Batch {
  customers: Delta<CustomerRow>[];
  orders: Delta<OrderRow>[];
}

export const REGIONS = 50;
const STATUSES = ['new', 'paid', 'shipped', 'returned'];
/** Customers per order: the dimension table grows with the fact table. */
export const CUSTOMERS_PER_ORDER = 0.1;

export class Dataset {
  private readonly random: () => number;
  /** Current row of every order, by id (ids are 0..n-1). */
  private readonly orders: OrderRow[] = [];
  private customers = 0;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  get orderCount(): number {
    return this.orders.length;
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  private orderRow(id: number): OrderRow {
    return [id, this.int(this.customers), 1 + this.int(1000), STATUSES[this.int(STATUSES.length)]!];
  }

  /** Inserts customers until there are `total`. */
  growCustomers(total: number): Batch {
    const customers: Delta<CustomerRow>[] = [];
    for (let id = this.customers; id < total; id++)
      customers.push([[id, `region-${id % REGIONS}`, `customer ${id}`], 1]);
    this.customers = Math.max(this.customers, total);
    return { customers, orders: [] };
  }

  /** Inserts `count` new orders, each for a random existing customer. */
  insertOrders(count: number): Batch {
    const orders: Delta<OrderRow>[] = [];
    for (let i = 0; i < count; i++) {
      const row = this.orderRow(this.orders.length);
      this.orders.push(row);
      orders.push([row, 1]);
    }
    return { customers: [], orders };
  }

  /** Replaces a random order with a new customer, amount and status: one row out, one row in. */
  updateOrder(): Batch {
    const id = this.int(this.orders.length);
    const old = this.orders[id]!;
    const row = this.orderRow(id);
    this.orders[id] = row;
    return {
      customers: [],
      orders: [
        [old, -1],
        [row, 1],
      ],
    };
  }
}

/** Splits the insertion of `count` orders into batches of at most `size`. */
export function* orderBatches(data: Dataset, count: number, size: number): Generator<Batch> {
  for (let done = 0; done < count; done += size) yield data.insertOrders(Math.min(size, count - done));
}
