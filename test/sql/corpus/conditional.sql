-- Conditional functions and comparison operators (Feldera's reference). Format: test/helpers/sql-corpus.ts.

-- case: GREATEST and LEAST are NULL when an argument is
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, GREATEST(i, 5) AS g, LEAST(i, 5) AS l FROM t;
-- expect:
{"id": 0, "g": 5, "l": -12}
{"id": 1, "g": 5, "l": -1}
{"id": 2, "g": null, "l": null}

-- case: GREATEST of numbers of several types
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT GREATEST(i, d, f) AS g, LEAST(i, d, f) AS l FROM t WHERE id = 0;
-- expect:
{"g": -12, "l": -1111.52}

-- case: the _IGNORE_NULLS forms skip NULLs
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, GREATEST_IGNORE_NULLS(i, -5) AS g, LEAST_IGNORE_NULLS(i, -5, NULL) AS l FROM t;
-- expect:
{"id": 0, "g": -5, "l": -12}
{"id": 1, "g": -1, "l": -5}
{"id": 2, "g": -5, "l": -5}

-- case: IF takes the else branch for FALSE and NULL
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, IF(b, 'yes', 'no') AS a FROM t;
-- expect:
{"id": 0, "a": "yes"}
{"id": 1, "a": "no"}
{"id": 2, "a": "no"}

-- case: IFNULL, COALESCE and NULLIF
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, IFNULL(i, 0) AS a, COALESCE(d, f, 0) AS c, NULLIF(i, -12) AS n FROM t;
-- expect:
{"id": 0, "a": -12, "c": -1111.52, "n": null}
{"id": 1, "a": -1, "c": -0.52, "n": -1}
{"id": 2, "a": 0, "c": 0, "n": null}

-- case: simple CASE with several values in a WHEN
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, CASE i WHEN -12, -1 THEN 'listed' ELSE 'other' END AS c FROM t;
-- expect:
{"id": 0, "c": "listed"}
{"id": 1, "c": "listed"}
{"id": 2, "c": "other"}

-- case: BETWEEN SYMMETRIC accepts its bounds in either order
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, i BETWEEN SYMMETRIC 0 AND -5 AS s, i BETWEEN 0 AND -5 AS a, i NOT BETWEEN SYMMETRIC 0 AND -5 AS n FROM t;
-- expect:
{"id": 0, "s": false, "a": false, "n": true}
{"id": 1, "s": true, "a": false, "n": false}
{"id": 2, "s": null, "a": null, "n": null}

-- case: <=> and IS [NOT] DISTINCT FROM treat NULLs as equal
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, i <=> -1 AS e, i <=> NULL AS n, i IS DISTINCT FROM -1 AS d, i IS NOT DISTINCT FROM NULL AS s FROM t;
-- expect:
{"id": 0, "e": false, "n": false, "d": true, "s": false}
{"id": 1, "e": true, "n": false, "d": false, "s": false}
{"id": 2, "e": false, "n": true, "d": true, "s": true}

-- case: IS UNKNOWN and IS NOT TRUE on a BOOLEAN
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, b IS UNKNOWN AS u, b IS NOT TRUE AS t FROM t;
-- expect:
{"id": 0, "u": false, "t": false}
{"id": 1, "u": false, "t": true}
{"id": 2, "u": true, "t": true}

-- case: IF needs a BOOLEAN condition
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT IF(i, 1, 2) AS x FROM t;
-- expect error
-- case: = on every kind of value, a row type written as a bare parenthesized list
CREATE TYPE pair AS (i1 INT, v1 VARCHAR NULL);
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, ts TIMESTAMP, dt DATE, tm TIME, u UUID, arr VARCHAR ARRAY, m MAP<VARCHAR, INT>, rw ROW(i1 INT, v1 VARCHAR NULL) NULL, p pair);
INSERT INTO t VALUES (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', TIMESTAMP '2020-06-21 14:23:44.123', DATE '2020-06-21', TIME '14:23:44.456', UUID '42b8fec7-c7a3-4531-9611-4bde80f9cb4c', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], MAP['a', 12, 'b', 17], ROW(4, 'cat'), ROW(4, 'cat')), (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', TIMESTAMP '2020-06-21 14:23:44', DATE '2020-06-21', TIME '14:23:44', UUID '42b8fec7-c7a3-4531-9611-4bde80f9cb4c', ARRAY['-0.14', 'friends'], MAP['a', 15, 'b', NULL], ROW(5, NULL), ROW(5, NULL)), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT i = -12 AS i, d = -1111.52 AS d, r = -57681.18 AS r, f = -38.2711234601246 AS f, b = True AS b, s = 'hello ' AS s, ts = TIMESTAMP '2020-06-21 14:23:44.123' AS ts, dt = DATE '2020-06-21' AS dt, tm = TIME '14:23:44.456' AS tm, u = UUID '42b8fec7-c7a3-4531-9611-4bde80f9cb4c' AS u, arr = ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'] AS arr, m = MAP['a', 12, 'b', 17] AS m, rw = ROW(4, 'cat') AS rw, p = (4, 'cat') AS p FROM t WHERE id = 0;
-- expect:
{"i": true, "d": true, "r": true, "f": true, "b": true, "s": true, "ts": true, "dt": true, "tm": true, "u": true, "arr": true, "m": true, "rw": true, "p": true}

-- case: >= compares strings, arrays, maps and rows in order; NULL fields sort first
CREATE TYPE pair AS (i1 INT, v1 VARCHAR NULL);
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, ts TIMESTAMP, dt DATE, tm TIME, u UUID, arr VARCHAR ARRAY, m MAP<VARCHAR, INT>, rw ROW(i1 INT, v1 VARCHAR NULL) NULL, p pair);
INSERT INTO t VALUES (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', TIMESTAMP '2020-06-21 14:23:44', DATE '2020-06-21', TIME '14:23:44', UUID '42b8fec7-c7a3-4531-9611-4bde80f9cb4c', ARRAY['-0.14', 'friends'], MAP['a', 15, 'b', NULL], ROW(5, NULL), ROW(5, NULL));
CREATE VIEW v AS SELECT i >= -12 AS i, d >= -1111.52 AS d, r >= -57681.18 AS r, f >= -38.2711234601246 AS f, b >= True AS b, s >= 'hello ' AS s, ts >= TIMESTAMP '2020-06-21 14:23:44.123' AS ts, dt >= DATE '2020-06-21' AS dt, tm >= TIME '14:23:44.456' AS tm, u >= UUID '42b8fec7-c7a3-4531-9611-4bde80f9cb4c' AS u, arr >= ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'] AS arr, m >= MAP['a', 12, 'b', 17] AS m, rw >= ROW(4, 'cat') AS rw, p >= (4, 'cat') AS p FROM t;
-- expect:
{"i": true, "d": true, "r": true, "f": true, "b": false, "s": false, "ts": false, "dt": true, "tm": false, "u": true, "arr": false, "m": true, "rw": true, "p": true}

-- case: a MAP does not compare with an ARRAY
CREATE TABLE t (m MAP<VARCHAR, INT>, arr VARCHAR ARRAY);
CREATE VIEW v AS SELECT m = ARRAY['bye'] AS x, arr > MAP['a', 12] AS y FROM t;
-- expect error
