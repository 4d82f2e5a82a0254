-- UNNEST forms beyond one collection in a lateral inner join (issue 10). Feldera 0.312 refuses
-- UNNEST of several collections, so Sluice does too; Feldera computes LEFT JOIN UNNEST as the
-- inner join, which Sluice refuses (see docs/sql.md, UNNEST). The two workaround cases (zipped
-- by ordinals, NULL element kept) and the joins with an UNNEST that reads no left column
-- (ordinary joins for Calcite) give SQL's rows, not ones taken from a Feldera run.
-- Format: test/helpers/sql-corpus.ts.

-- case: UNNEST of two constant arrays is rejected (Feldera: UNNEST with multiple vectors)
CREATE TABLE unused (x INT);
CREATE VIEW v AS SELECT * FROM UNNEST(ARRAY[10, 20, 30], ARRAY[1]);
-- expect error

-- case: lateral UNNEST of an array and a map WITH ORDINALITY is rejected
CREATE TABLE bags (id INT, xs INT ARRAY, m MAP<VARCHAR, INT>);
INSERT INTO bags VALUES (1, ARRAY[4, 5], MAP['a', 1]);
CREATE VIEW v AS SELECT id, x, k, w, n FROM bags CROSS JOIN UNNEST(bags.xs, bags.m) WITH ORDINALITY AS u (x, k, w, n);
-- expect error

-- case: LEFT JOIN UNNEST ON TRUE: Feldera 0.312 drops the NULL and empty arrays (its visitCorrelate ignores the join type); Sluice refuses
CREATE TABLE cells (id INT, refs INT ARRAY);
INSERT INTO cells VALUES (1, ARRAY[7, 8]), (2, NULL), (3, ARRAY[]);
CREATE VIEW v AS SELECT cells.id, r FROM cells LEFT JOIN UNNEST(cells.refs) AS m (r) ON TRUE;
-- expect:
{"id": 1, "r": 7}
{"id": 1, "r": 8}

-- case: two arrays zipped by their ordinals, the shorter one ending the pairs
CREATE TABLE pairs (id INT, ks VARCHAR ARRAY, vs INT ARRAY);
INSERT INTO pairs VALUES (1, ARRAY['a', 'b', 'c'], ARRAY[10, NULL]), (2, NULL, ARRAY[1]), (3, ARRAY['z'], ARRAY[9]);
CREATE VIEW v AS SELECT id, k, w, i FROM pairs, UNNEST(pairs.ks) WITH ORDINALITY AS p (k, i), UNNEST(pairs.vs) WITH ORDINALITY AS q (w, j) WHERE i = j;
-- expect:
{"id": 1, "k": "a", "w": 10, "i": 1}
{"id": 1, "k": "b", "w": null, "i": 2}
{"id": 3, "k": "z", "w": 9, "i": 1}

-- case: a NULL or empty array kept as one NULL element, as SQL's LEFT JOIN ON TRUE would keep it
CREATE TABLE cells (id INT, refs INT ARRAY);
INSERT INTO cells VALUES (1, ARRAY[7, 8]), (2, NULL), (3, ARRAY[]);
CREATE VIEW v AS SELECT id, r FROM cells CROSS JOIN UNNEST(CASE WHEN CARDINALITY(cells.refs) > 0 THEN cells.refs ELSE ARRAY[NULL] END) AS m (r);
-- expect:
{"id": 1, "r": 7}
{"id": 1, "r": 8}
{"id": 2, "r": null}
{"id": 3, "r": null}

-- case: LEFT JOIN with an UNNEST that reads no column of the left side is an ordinary left join
CREATE TABLE orders (id INT, code INT);
INSERT INTO orders VALUES (1, 10), (2, 20), (3, NULL);
CREATE VIEW v AS SELECT id, c, pos FROM orders LEFT JOIN UNNEST(ARRAY[20, 30, 20]) WITH ORDINALITY AS k (c, pos) ON orders.code = k.c;
-- expect:
{"id": 1, "c": null, "pos": null}
{"id": 2, "c": 20, "pos": 1}
{"id": 2, "c": 20, "pos": 3}
{"id": 3, "c": null, "pos": null}

-- case: FULL JOIN ... USING with a constant UNNEST merges the common column
CREATE TABLE orders (code INT, qty INT);
INSERT INTO orders VALUES (10, 1), (20, 2);
CREATE VIEW v AS SELECT * FROM orders FULL JOIN UNNEST(ARRAY[20, 30]) AS k (code) USING (code);
-- expect:
{"code": 10, "qty": 1}
{"code": 20, "qty": 2}
{"code": 30, "qty": null}
