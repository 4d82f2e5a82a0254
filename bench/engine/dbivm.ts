/**
 * @tanstack/db-ivm (the successor of @electric-sql/d2ts): the same views written as D2 pipelines
 * with the library's own operators (filter/map, keyed inner `join`, `groupBy` with its `count`
 * and `sum`), the way TanStack DB compiles such queries. Each batch is sent to the inputs and
 * the graph is run once; the output operator collects the view's delta.
 */
import {
  D2,
  filter,
  groupBy,
  groupByOperators,
  type IStreamBuilder,
  join,
  type KeyValue,
  MultiSet,
  map,
  output,
  type RootStreamBuilder,
} from '@tanstack/db-ivm';
import type { Batch, CustomerRow, OrderRow } from './data.js';
import { rowHash, type ViewEngine } from './view-engine.js';
import type { ViewName } from './views.js';

const { count, sum } = groupByOperators;

type ViewRow = Array<number | string>;
type Joined = KeyValue<number, [OrderRow | null, CustomerRow | null]>;

/** orders ⋈ customers on customer_id = id, as [order, customer] pairs. */
function joined(orders: IStreamBuilder<OrderRow>, customers: IStreamBuilder<CustomerRow>) {
  const byId = customers.pipe(map((c: CustomerRow): KeyValue<number, CustomerRow> => [c[0], c]));
  return orders.pipe(
    map((o: OrderRow): KeyValue<number, OrderRow> => [o[1], o]),
    join(byId, 'inner'),
    map(([, pair]: Joined): [OrderRow, CustomerRow] => [pair[0]!, pair[1]!]),
  );
}

/** The view's rows, column for column as in VIEW_SQL. */
function pipeline(
  view: ViewName,
  orders: IStreamBuilder<OrderRow>,
  customers: IStreamBuilder<CustomerRow>,
): IStreamBuilder<ViewRow> {
  switch (view) {
    case 'shipped_orders':
      return orders.pipe(
        filter((o: OrderRow) => o[3] === 'shipped' && o[2] >= 100),
        map((o: OrderRow): ViewRow => [o[0], o[1], o[2] * 100]),
      );
    case 'order_details':
      return joined(orders, customers).pipe(map(([o, c]): ViewRow => [o[0], o[2], c[2], c[1]]));
    case 'customer_totals':
      return orders.pipe(
        groupBy((o: OrderRow) => ({ customerId: o[1] }), { n: count(), total: sum((o: OrderRow) => o[2]) }),
        map(([, g]): ViewRow => [g.customerId, g.n, g.total]),
      );
    case 'region_totals':
      return joined(orders, customers).pipe(
        groupBy(([, c]: [OrderRow, CustomerRow]) => ({ region: c[1] }), {
          n: count(),
          total: sum(([o]: [OrderRow, CustomerRow]) => o[2]),
        }),
        map(([, g]): ViewRow => [g.region, g.n, g.total]),
      );
  }
}

export class DbIvmEngine implements ViewEngine {
  private readonly graph = new D2();
  private readonly orders: RootStreamBuilder<OrderRow>;
  private readonly customers: RootStreamBuilder<CustomerRow>;
  private outputs: MultiSet<ViewRow>[] = [];
  private sum = 0;

  constructor(view: ViewName) {
    this.orders = this.graph.newInput<OrderRow>();
    this.customers = this.graph.newInput<CustomerRow>();
    pipeline(view, this.orders, this.customers).pipe(output((m) => this.outputs.push(m)));
    this.graph.finalize();
  }

  prepare(batch: Batch): () => void {
    const customers = new MultiSet(batch.customers);
    const orders = new MultiSet(batch.orders);
    return () => {
      if (batch.customers.length > 0) this.customers.sendData(customers);
      if (batch.orders.length > 0) this.orders.sendData(orders);
      this.graph.run();
    };
  }

  load(batch: Batch): void {
    this.prepare(batch)();
    this.settle();
  }

  settle(): void {
    for (const m of this.outputs) for (const [row, weight] of m.getInner()) this.sum += weight * rowHash(row);
    this.outputs = [];
  }

  checksum(): number {
    return this.sum;
  }
}
