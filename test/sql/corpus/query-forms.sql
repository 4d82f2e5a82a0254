-- Query forms of issue 10: WITH, NATURAL JOIN / USING, SQL functions, CREATE INDEX.
-- Format: test/helpers/sql-corpus.ts.

-- case: WITH with two items, the second reading the first
CREATE TABLE t (x INT, s VARCHAR);
INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL);
CREATE VIEW v AS
  WITH big AS (SELECT x, s FROM t WHERE x > 1),
       tens (y) AS (SELECT x * 10 FROM big)
  SELECT big.x, tens.y FROM big JOIN tens ON big.x * 10 = tens.y;
-- expect:
{"x": 2, "y": 20}
{"x": 3, "y": 30}

-- case: one WITH item read twice (self-join of a CTE)
CREATE TABLE t (k INT, n INT);
INSERT INTO t VALUES (1, 5), (1, 7), (2, 1);
CREATE VIEW v AS
  WITH sums AS (SELECT k, SUM(n) AS total FROM t GROUP BY k)
  SELECT a.k AS ak, b.k AS bk, a.total + b.total AS both_totals
  FROM sums a JOIN sums b ON a.k < b.k;
-- expect:
{"ak": 1, "bk": 2, "both_totals": 13}

-- case: a WITH item shadows a table of the same name
CREATE TABLE t (x INT);
INSERT INTO t VALUES (1), (2);
CREATE VIEW v AS WITH t AS (SELECT x + 100 AS x FROM t) SELECT x FROM t;
-- expect:
{"x": 101}
{"x": 102}

-- case: WITH inside a subquery, with ORDER BY and LIMIT on the outer query
CREATE TABLE t (x INT);
INSERT INTO t VALUES (4), (1), (3), (2);
CREATE VIEW v AS
  WITH evens AS (SELECT x FROM t WHERE x % 2 = 0)
  SELECT x FROM t WHERE x IN (WITH e2 AS (SELECT x FROM evens) SELECT x FROM e2)
  ORDER BY x DESC LIMIT 1;
-- expect:
{"x": 4}

-- case: WITH RECURSIVE is refused
CREATE TABLE t (x INT);
CREATE VIEW v AS WITH RECURSIVE r AS (SELECT x FROM t) SELECT x FROM r;
-- expect error

-- case: NATURAL JOIN matches every common column and lists each once
CREATE TABLE a (id INT, grp VARCHAR, v INT);
CREATE TABLE b (grp VARCHAR, id INT, w INT);
INSERT INTO a VALUES (1, 'x', 10), (2, 'y', 20), (3, 'x', 30);
INSERT INTO b VALUES ('x', 1, 100), ('x', 2, 200), ('x', 3, 300);
CREATE VIEW v AS SELECT * FROM a NATURAL JOIN b;
-- expect:
{"id": 1, "grp": "x", "v": 10, "w": 100}
{"id": 3, "grp": "x", "v": 30, "w": 300}

-- case: NATURAL LEFT JOIN keeps unmatched rows of the left side
CREATE TABLE a (id INT, v INT);
CREATE TABLE b (id INT, w INT);
INSERT INTO a VALUES (1, 10), (2, 20), (NULL, 30);
INSERT INTO b VALUES (1, 100), (NULL, 300);
CREATE VIEW v AS SELECT id, v, w FROM a NATURAL LEFT JOIN b;
-- expect:
{"id": 1, "v": 10, "w": 100}
{"id": 2, "v": 20, "w": null}
{"id": null, "v": 30, "w": null}

-- case: JOIN ... USING with a RIGHT join takes the common column from the right side
CREATE TABLE a (id INT, v INT);
CREATE TABLE b (id INT, w INT);
INSERT INTO a VALUES (1, 10);
INSERT INTO b VALUES (1, 100), (2, 200);
CREATE VIEW v AS SELECT * FROM a RIGHT JOIN b USING (id);
-- expect:
{"id": 1, "v": 10, "w": 100}
{"id": 2, "v": null, "w": 200}

-- case: a SQL function over columns, used in a WHERE clause and the select list
CREATE FUNCTION in_range(v INT, lo INT, hi INT) RETURNS BOOLEAN AS v BETWEEN lo AND hi;
CREATE FUNCTION scaled(v INT) RETURNS DOUBLE AS v / 4.0;
CREATE TABLE t (x INT);
INSERT INTO t VALUES (1), (5), (NULL), (9);
CREATE VIEW v AS SELECT x, scaled(x) AS s FROM t WHERE in_range(x, 2, 9);
-- expect:
{"x": 5, "s": 1.25}
{"x": 9, "s": 2.25}

-- case: CREATE INDEX on a view leaves its rows unchanged
CREATE TABLE t (id INT, n INT);
INSERT INTO t VALUES (1, 2), (2, 3);
CREATE VIEW v AS SELECT id, n * 2 AS m FROM t;
CREATE INDEX v_id ON v(id);
-- expect:
{"id": 1, "m": 4}
{"id": 2, "m": 6}
