-- Aggregate cases for issue 10 (FILTER, ARG_MAX/ARG_MIN, EVERY/SOME, COUNTIF, BIT_*, STDDEV/VAR,
-- ARRAY_AGG, MAP_AGG), with Feldera's semantics. Format: test/helpers/sql-corpus.ts.

-- case: FILTER on COUNT(*), SUM and MAX, grouped
CREATE TABLE sales (region VARCHAR, amount INT NOT NULL, returned BOOLEAN);
INSERT INTO sales VALUES ('n', 10, FALSE), ('n', 25, TRUE), ('s', 7, NULL), ('s', 3, FALSE);
CREATE VIEW v AS SELECT region, COUNT(*) FILTER (WHERE returned) AS r,
  SUM(amount) FILTER (WHERE NOT returned) AS kept, MAX(amount) FILTER (WHERE amount > 20) AS big
  FROM sales GROUP BY region;
-- expect:
{"region": "n", "r": 1, "kept": 10, "big": 25}
{"region": "s", "r": 0, "kept": 3, "big": null}

-- case: ARG_MAX and ARG_MIN break ties by the value, NULL the smallest; a NULL compared value never wins over a key
CREATE TABLE scores (who VARCHAR, pts INT);
INSERT INTO scores VALUES ('ann', 9), ('bob', 9), (NULL, 2), ('cy', 2), ('dee', NULL);
CREATE VIEW v AS SELECT ARG_MAX(who, pts) AS best, ARG_MIN(who, pts) AS worst FROM scores;
-- expect:
{"best": "bob", "worst": null}

-- case: ARG_MAX of a group whose compared values are all NULL
CREATE TABLE p (g INT, v VARCHAR, c DATE);
INSERT INTO p VALUES (1, 'a', DATE '2024-01-02'), (1, 'b', DATE '2023-05-06'), (2, 'c', NULL);
CREATE VIEW v AS SELECT g, ARG_MAX(v, c) AS latest, ARG_MIN(v, c) AS earliest FROM p GROUP BY g;
-- expect:
{"g": 1, "latest": "a", "earliest": "b"}
{"g": 2, "latest": "c", "earliest": "c"}

-- case: EVERY, SOME and their aliases ignore NULL
CREATE TABLE flags (g INT, ok BOOLEAN);
INSERT INTO flags VALUES (1, TRUE), (1, NULL), (2, TRUE), (2, FALSE), (3, NULL);
CREATE VIEW v AS SELECT g, EVERY(ok) AS e, SOME(ok) AS s, BOOL_AND(ok) AS ba, LOGICAL_OR(ok) AS lo
  FROM flags GROUP BY g;
-- expect:
{"g": 1, "e": true, "s": true, "ba": true, "lo": true}
{"g": 2, "e": false, "s": true, "ba": false, "lo": true}
{"g": 3, "e": null, "s": null, "ba": null, "lo": null}

-- case: EVERY over no rows is NULL
CREATE TABLE flags (ok BOOLEAN);
CREATE VIEW v AS SELECT EVERY(ok) AS e, SOME(ok) AS s FROM flags;
-- expect:
{"e": null, "s": null}

-- case: COUNTIF counts TRUE conditions and ignores DISTINCT
CREATE TABLE n (x INT);
INSERT INTO n VALUES (1), (5), (5), (NULL), (9);
CREATE VIEW v AS SELECT COUNTIF(x > 2) AS c, COUNTIF(DISTINCT x > 2) AS d,
  COUNTIF(x > 2) FILTER (WHERE x < 9) AS f FROM n;
-- expect:
{"c": 3, "d": 3, "f": 2}

-- case: BIT_AND, BIT_OR, BIT_XOR of signed values
CREATE TABLE b (x SMALLINT);
INSERT INTO b VALUES (-8), (12), (NULL), (7);
CREATE VIEW v AS SELECT BIT_AND(x) AS a, BIT_OR(x) AS o, BIT_XOR(x) AS x FROM b;
-- expect:
{"a": 0, "o": -1, "x": -13}

-- case: BIT_XOR with DISTINCT and GROUP BY over unsigned values
CREATE TABLE b (g INT, x INT UNSIGNED);
INSERT INTO b VALUES (1, 4000000000), (1, 4000000000), (1, 1), (2, NULL);
CREATE VIEW v AS SELECT g, BIT_XOR(x) AS x, BIT_XOR(DISTINCT x) AS dx, BIT_OR(x) AS o FROM b GROUP BY g;
-- expect:
{"g": 1, "x": 1, "dx": 4000000001, "o": 4000000001}
{"g": 2, "x": null, "dx": null, "o": null}

-- case: STDDEV of integers truncates like Feldera
CREATE TABLE m (x INT NOT NULL);
INSERT INTO m VALUES (2), (3), (7);
CREATE VIEW v AS SELECT STDDEV(x) AS s, STDDEV_POP(x) AS p, VAR_SAMP(x) AS vs, VAR_POP(x) AS vp FROM m;
-- expect:
{"s": 2, "p": 2, "vs": 7, "vp": 4}

-- case: STDDEV of a single value
CREATE TABLE m (x BIGINT);
INSERT INTO m VALUES (42), (NULL);
CREATE VIEW v AS SELECT STDDEV_SAMP(x) AS s, STDDEV_POP(x) AS p FROM m;
-- expect:
{"s": null, "p": 0}

-- case: STDDEV of DECIMAL keeps the scale and truncates
CREATE TABLE m (g INT, d DECIMAL(7, 3));
INSERT INTO m VALUES (1, 1.000), (1, 2.000), (1, 2.500), (2, 9.999);
CREATE VIEW v AS SELECT g, STDDEV_SAMP(d) AS s, STDDEV_POP(d) AS p FROM m GROUP BY g;
-- expect:
{"g": 1, "s": 0.763, "p": 0.623}
{"g": 2, "s": null, "p": 0.000}

-- case: STDDEV of TINYINT UNSIGNED squares in a wider type
CREATE TABLE m (x TINYINT UNSIGNED);
INSERT INTO m VALUES (200), (0), (100);
CREATE VIEW v AS SELECT STDDEV(x) AS s FROM m;
-- expect:
{"s": 100}

-- case: ARRAY_AGG follows the order of the input rows
CREATE TABLE a (k INT, x INT, y VARCHAR);
INSERT INTO a VALUES (1, 3, 'c'), (1, NULL, 'b'), (1, 3, 'a'), (2, 1, NULL);
CREATE VIEW v AS SELECT k, ARRAY_AGG(x) AS xs, ARRAY_AGG(y) AS ys FROM a GROUP BY k;
-- expect:
{"k": 1, "xs": [null, 3, 3], "ys": ["b", "a", "c"]}
{"k": 2, "xs": [1], "ys": [null]}

-- case: ARRAY_AGG with DISTINCT, IGNORE NULLS and ORDER BY
CREATE TABLE a (x INT, y INT);
INSERT INTO a VALUES (3, 1), (NULL, 2), (3, 3), (1, 4);
CREATE VIEW v AS SELECT ARRAY_AGG(DISTINCT x) AS d, ARRAY_AGG(x IGNORE NULLS) AS i,
  ARRAY_AGG(x ORDER BY y DESC) AS o FROM a;
-- expect:
{"d": [null, 1, 3], "i": [1, 3, 3], "o": [1, 3, null, 3]}

-- case: ARRAY_AGG of nothing is an empty array
CREATE TABLE a (g INT, x INT);
INSERT INTO a VALUES (1, 5), (2, 6);
CREATE VIEW v AS SELECT g, ARRAY_AGG(x) FILTER (WHERE x > 5) AS big FROM a GROUP BY g;
-- expect:
{"g": 1, "big": []}
{"g": 2, "big": [6]}

-- case: ARRAY_AGG of rows
CREATE TABLE a (x INT, s VARCHAR);
INSERT INTO a VALUES (2, 'two'), (1, NULL);
CREATE VIEW v AS SELECT ARRAY_AGG(ROW(s, x)) AS r FROM a;
-- expect:
{"r": [{"EXPR$0": null, "EXPR$1": 1}, {"EXPR$0": "two", "EXPR$1": 2}]}

-- case: MAP_AGG keeps the largest value of a key
CREATE TABLE kv (k VARCHAR, v INT);
INSERT INTO kv VALUES ('a', 1), ('a', 4), ('b', 2), (NULL, 9);
CREATE VIEW v AS SELECT MAP_AGG(k, v) AS m FROM kv;
-- expect:
{"m": {"a": 4, "b": 2}}

-- case: COUNT of two arguments and COUNT DISTINCT of two
CREATE TABLE c (x INT, y INT);
INSERT INTO c VALUES (1, 1), (1, 1), (1, NULL), (2, 1);
CREATE VIEW v AS SELECT COUNT(x, y) AS n, COUNT(DISTINCT x, y) AS d FROM c;
-- expect:
{"n": 3, "d": 2}

-- case: MIN and MAX of arrays and maps
CREATE TABLE c (a INT ARRAY, m MAP<VARCHAR, INT>);
INSERT INTO c VALUES (ARRAY[2, 1], MAP['b', 1]), (ARRAY[2], MAP['a', 5]), (NULL, NULL);
CREATE VIEW v AS SELECT MIN(a) AS lo, MAX(a) AS hi, MIN(m) AS mlo, MAX(m) AS mhi FROM c;
-- expect:
{"lo": [2], "hi": [2, 1], "mlo": {"a": 5}, "mhi": {"b": 1}}

-- case: STDDEV of VARCHAR is a compile-time error
CREATE TABLE s (x VARCHAR);
CREATE VIEW v AS SELECT STDDEV(x) AS s FROM s;
-- expect error
