/**
 * The views the benchmark maintains. Sluice and SQLite run the same SELECT text; the db-ivm
 * pipelines in dbivm.ts build the same rows, column for column.
 */

export type ViewName = 'shipped_orders' | 'order_details' | 'customer_totals' | 'region_totals';

export const VIEW_SQL: Record<ViewName, string> = {
  shipped_orders:
    "SELECT id, customer_id, amount * 100 AS cents FROM orders WHERE status = 'shipped' AND amount >= 100",
  order_details:
    'SELECT o.id, o.amount, c.name, c.region FROM orders o JOIN customers c ON o.customer_id = c.id',
  customer_totals: 'SELECT customer_id, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer_id',
  region_totals:
    'SELECT c.region, COUNT(*) AS n, SUM(o.amount) AS total FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.region',
};

export const VIEW_TITLE: Record<ViewName, string> = {
  shipped_orders: 'filter/project',
  order_details: 'join',
  customer_totals: 'GROUP BY',
  region_totals: 'join + GROUP BY',
};

/** Sluice tables have no primary key, so a pushed change is applied as the given Z-set delta. */
export const SLUICE_TABLES = `
CREATE TABLE customers (id INT NOT NULL, region VARCHAR NOT NULL, name VARCHAR NOT NULL);
CREATE TABLE orders (id INT NOT NULL, customer_id INT NOT NULL, amount INT NOT NULL, status VARCHAR NOT NULL);`;

/** The keys and the foreign-key index a SQLite user would declare for these views. */
export const SQLITE_TABLES = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, region TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, amount INTEGER NOT NULL, status TEXT NOT NULL);
CREATE INDEX orders_customer_id ON orders (customer_id);`;
