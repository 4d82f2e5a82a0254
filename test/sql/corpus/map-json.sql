-- MAP functions, VARIANT and JSON (Feldera's reference and runtime results). Format: test/helpers/sql-corpus.ts.

-- case: a MAP lookup, CARDINALITY and MAP_CONTAINS_KEY
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, m['a'] AS a, m['z'] AS z, CARDINALITY(m) AS c, MAP_CONTAINS_KEY(m, 'a') AS k, MAP_CONTAINS_KEY(m, 'z') AS n FROM t;
-- expect:
{"id": 0, "a": 12, "z": null, "c": 2, "k": true, "n": false}
{"id": 1, "a": 15, "z": null, "c": 2, "k": true, "n": false}
{"id": 2, "a": null, "z": null, "c": null, "k": null, "n": null}

-- case: MAP_KEYS sorted, MAP_VALUES in key order with NULL values
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, MAP_KEYS(m) AS k, MAP_VALUES(m) AS v FROM t;
-- expect:
{"id": 0, "k": ["a", "b"], "v": [12, 17]}
{"id": 1, "k": ["a", "b"], "v": [15, null]}
{"id": 2, "k": null, "v": null}

-- case: MAP literals: functions of constant maps
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT MAP_KEYS(MAP['y', 5, 'x', 4]) AS k, MAP_VALUES(MAP['y', 5, 'x', 4]) AS v, CARDINALITY(MAP['x', 4]) AS c, MAP['x', 4, 'y', 3]['x'] AS x FROM t WHERE id = 0;
-- expect:
{"k": ["x", "y"], "v": [4, 5], "c": 1, "x": 4}

-- case: maps compare by sorted keys, then values
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT MAP['v', 11, 'q', 66] < MAP['v', 22] AS a, MAP['f', 1, 'v', 0] > MAP['f', 1] AS b FROM t WHERE id = 0;
-- expect:
{"a": true, "b": true}

-- case: MAP_CONTAINS_KEY of a non-map is an error
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT MAP_CONTAINS_KEY(s, 'a') AS x FROM t;
-- expect error

-- case: CARDINALITY of a BOOLEAN is an error
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT CARDINALITY(b) AS x FROM t;
-- expect error

-- case: TYPEOF names the type a VARIANT holds
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT TYPEOF(CAST(1 AS VARIANT)) AS a, TYPEOF(CAST(CAST(1 AS TINYINT) AS VARIANT)) AS b, TYPEOF(PARSE_JSON('1')) AS c, TYPEOF(PARSE_JSON('null')) AS e, TYPEOF(VARIANTNULL()) AS g, TYPEOF(CAST(ARRAY[1, 2, 3] AS VARIANT)[1]) AS h FROM t WHERE id = 0;
-- expect:
{"a": "INTEGER", "b": "TINYINT", "c": "DECIMAL", "e": "VARIANT", "g": "VARIANT", "h": "INTEGER"}

-- case: VARIANT null is a value, not SQL NULL
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT VARIANTNULL() IS NULL AS a, VARIANTNULL() = VARIANTNULL() AS b, PARSE_JSON(s) IS NULL AS c FROM t WHERE id = 2;
-- expect:
{"a": false, "b": true, "c": true}

-- case: PARSE_JSON of a column: fields by key, elements by position
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT id, CAST(PARSE_JSON(s) AS DOUBLE) AS n, PARSE_JSON(s) IS NULL AS bad FROM t;
-- expect:
{"id": 0, "n": null, "bad": true}
{"id": 1, "n": 0.12, "bad": false}
{"id": 2, "n": null, "bad": true}

-- case: PARSE_JSON of an object and indexing into it
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT CAST(PARSE_JSON('{"a": 1, "b": [2, 3.3, null]}')['b'][2] AS DECIMAL(4, 1)) AS x, CAST(PARSE_JSON('{"a": 1, "b": [2, 3.3, null]}')['a'] AS INT) AS a, PARSE_JSON('{"a": 1, "b": 2}') = PARSE_JSON('{"b":2,"a":1}') AS same FROM t WHERE id = 0;
-- expect:
{"x": 3.3, "a": 1, "same": true}

-- case: TO_JSON writes compact JSON text
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT TO_JSON(PARSE_JSON('{ "a": 1, "b": 2 }')) AS a, TO_JSON(PARSE_JSON('[1,2,3]')) AS b, TO_JSON(PARSE_JSON('false')) AS c, TO_JSON(CAST(DATE '2020-01-01' AS VARIANT)) AS e, TO_JSON(CAST(TIMESTAMP '2020-01-01 10:00:00' AS VARIANT)) AS g FROM t WHERE id = 0;
-- expect:
{"a": "{\"a\":1,\"b\":2}", "b": "[1,2,3]", "c": "false", "e": "\"2020-01-01\"", "g": "\"2020-01-01 10:00:00\""}

-- case: a MAP of VARIANTs read back by key and position
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT CAST(MAP['a', CAST(1 AS VARIANT), 'c', CAST(ARRAY[1, 2, 3] AS VARIANT)]['c'][1] AS INTEGER) AS x, TO_JSON(CAST(m AS VARIANT)) AS j FROM t WHERE id = 0;
-- expect:
{"x": 1, "j": "{\"a\":12,\"b\":17}"}

-- case: TYPEOF of a non-VARIANT is an error
CREATE TABLE t (id INT, i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, b BOOLEAN, s VARCHAR, arr VARCHAR ARRAY, ts TIMESTAMP, tm TIME, m MAP<VARCHAR, INT>);
INSERT INTO t VALUES
  (0, -12, -1111.52, -57681.18, -38.2711234601246, TRUE, 'hello ', ARRAY['bye', '14', 'See you!', '-0.52', NULL, '14', 'hello ', 'TRUE'], TIMESTAMP '2020-06-21 14:23:44.123', TIME '14:23:44.456', MAP['a', 12, 'b', 17]),
  (1, -1, -0.52, -0.1234567, -0.82711234601246, FALSE, '0.12', ARRAY['-0.14', 'friends', 'See you!', '2021-01-20', '10:10', '2020-10-01 00:00:00'], TIMESTAMP '2020-06-21 14:23:44', TIME '14:23:44', MAP['a', 15, 'b', NULL]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE VIEW v AS SELECT TYPEOF(i) AS x FROM t;
-- expect error
