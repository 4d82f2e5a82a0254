-- Array cases for issue 10 (ARRAY type, subscripts, the array functions, lambdas), with
-- Feldera's semantics. Format: test/helpers/sql-corpus.ts.

-- case: subscripts into arrays of rows, out of range and through a NULL array
CREATE TABLE orders (id INT, items ROW(sku INT NOT NULL, note VARCHAR NULL) ARRAY NOT NULL,
  extras ROW(qty INT NULL, tag VARCHAR NOT NULL) ARRAY);
INSERT INTO orders VALUES (1, ARRAY[ROW(10, NULL), ROW(11, 'gift')], NULL),
  (2, ARRAY[ROW(20, 'rush')], ARRAY[ROW(NULL, 'a'), ROW(4, 'b'), NULL]);
CREATE VIEW v AS SELECT id, items[1] AS first, items[2][2] AS note2, items[4].sku AS gone,
  extras[2][1] AS qty2, extras[3] AS third FROM orders;
-- expect:
{"id": 1, "first": {"sku": 10, "note": null}, "note2": "gift", "gone": null, "qty2": null, "third": null}
{"id": 2, "first": {"sku": 20, "note": "rush"}, "note2": null, "gone": null, "qty2": 4, "third": null}

-- case: element functions over a column of nullable-element arrays
CREATE TABLE bag (id INT, xs INT ARRAY);
INSERT INTO bag VALUES (1, ARRAY[4, NULL, 2, 4]), (2, ARRAY[]), (3, NULL);
CREATE VIEW v AS SELECT id, CARDINALITY(xs) AS n, ARRAY_MAX(xs) AS hi, ARRAY_MIN(xs) AS lo,
  ARRAY_DISTINCT(xs) AS d, ARRAY_COMPACT(xs) AS c, SORT_ARRAY(xs, FALSE) AS s,
  ARRAY_POSITION(xs, 2) AS p, ARRAY_REMOVE(xs, 4) AS r FROM bag;
-- expect:
{"id": 1, "n": 4, "hi": 4, "lo": 2, "d": [4, null, 2], "c": [4, 2, 4], "s": [4, 4, 2, null], "p": 3, "r": [null, 2]}
{"id": 2, "n": 0, "hi": null, "lo": null, "d": [], "c": [], "s": [], "p": 0, "r": []}
{"id": 3, "n": null, "hi": null, "lo": null, "d": null, "c": null, "s": null, "p": null, "r": null}

-- case: set operations return distinct elements sorted, NULL first
CREATE TABLE pairs (l VARCHAR ARRAY, r VARCHAR ARRAY);
INSERT INTO pairs VALUES (ARRAY['pear', NULL, 'fig', 'pear'], ARRAY['fig', 'apple']);
CREATE VIEW v AS SELECT ARRAY_UNION(l, r) AS u, ARRAY_INTERSECT(l, r) AS i, ARRAY_EXCEPT(l, r) AS e,
  ARRAYS_OVERLAP(l, r) AS o FROM pairs;
-- expect:
{"u": [null, "apple", "fig", "pear"], "i": ["fig"], "e": [null, "pear"], "o": true}

-- case: building arrays: append, prepend, insert with padding, repeat, concatenation
CREATE TABLE b (xs INT ARRAY, k INT);
INSERT INTO b VALUES (ARRAY[1, 2], 3), (ARRAY[7], NULL);
CREATE VIEW v AS SELECT ARRAY_APPEND(xs, k) AS a, ARRAY_PREPEND(xs, k) AS p,
  ARRAY_INSERT(xs, 4, 0) AS i, ARRAY_REPEAT(k, 2) AS rep, xs || ARRAY[9] AS cat,
  ARRAY_CONCAT(xs, xs, ARRAY[k]) AS cat3 FROM b;
-- expect:
{"a": [1, 2, 3], "p": [3, 1, 2], "i": [1, 2, null, 0], "rep": [3, 3], "cat": [1, 2, 9], "cat3": [1, 2, 1, 2, 3]}
{"a": [7, null], "p": [null, 7], "i": [7, null, null, 0], "rep": [null, null], "cat": [7, 9], "cat3": [7, 7, null]}

-- case: ARRAY_TO_STRING and ARRAY_JOIN with and without a NULL text
CREATE TABLE words (ws VARCHAR ARRAY);
INSERT INTO words VALUES (ARRAY['a', NULL, 'c']);
CREATE VIEW v AS SELECT ARRAY_TO_STRING(ws, '/') AS plain, ARRAY_JOIN(ws, '/', '_') AS marked,
  ARRAY_TO_STRING(ARRAY[1.5, NULL, 2.0], ';', 'none') AS nums FROM words;
-- expect:
{"plain": "a/c", "marked": "a/_/c", "nums": "1.5;none;2.0"}

-- case: TRANSFORM and ARRAY_EXISTS read columns and nest
CREATE TABLE m (id INT, xs INT ARRAY, bump INT);
INSERT INTO m VALUES (1, ARRAY[1, 2, NULL], 100), (2, ARRAY[5], 0), (3, NULL, 1);
CREATE VIEW v AS SELECT id, TRANSFORM(xs, x -> x + bump) AS t,
  ARRAY_EXISTS(xs, x -> x > 1) AS big, ARRAY_EXISTS(xs, x -> x > 7) AS huge,
  TRANSFORM(ARRAY[xs, ARRAY[id]], a -> CARDINALITY(TRANSFORM(a, y -> y * 2))) AS sizes FROM m;
-- expect:
{"id": 1, "t": [101, 102, null], "big": true, "huge": null, "sizes": [3, 1]}
{"id": 2, "t": [5], "big": true, "huge": false, "sizes": [1, 1]}
{"id": 3, "t": null, "big": null, "huge": null, "sizes": [null, 1]}

-- case: ELEMENT and SAFE_OFFSET
CREATE TABLE one (xs INT ARRAY);
INSERT INTO one VALUES (ARRAY[8]), (ARRAY[]), (NULL);
CREATE VIEW v AS SELECT ELEMENT(xs) AS e, xs[SAFE_OFFSET(0)] AS first, xs[SAFE_OFFSET(1)] AS second FROM one;
-- expect:
{"e": 8, "first": 8, "second": null}
{"e": null, "first": null, "second": null}
{"e": null, "first": null, "second": null}

-- case: ELEMENT of an array of two elements fails at run time
CREATE TABLE two (xs INT ARRAY);
INSERT INTO two VALUES (ARRAY[1, 2]);
CREATE VIEW v AS SELECT ELEMENT(xs) AS e FROM two;
-- expect error

-- case: an element of another type than the array's is refused
CREATE TABLE t (xs VARCHAR ARRAY, n INT);
CREATE VIEW v AS SELECT ARRAY_CONTAINS(xs, n) AS c FROM t;
-- expect error

-- case: arrays compare lexicographically, in WHERE and ORDER BY ... LIMIT
CREATE TABLE cmp (id INT, xs INT ARRAY);
INSERT INTO cmp VALUES (1, ARRAY[2]), (2, ARRAY[1, 9]), (3, ARRAY[1, 9, 0]), (4, NULL);
CREATE VIEW v AS SELECT id FROM cmp WHERE xs > ARRAY[1, 9];
-- expect:
{"id": 1}
{"id": 3}

-- case: ARRAY(...) of numbers and strings is an array of strings
CREATE TABLE mix (i INT, d DECIMAL(5, 2), s VARCHAR);
INSERT INTO mix VALUES (-4, 12.25, 'z');
CREATE VIEW v AS SELECT ARRAY(i, d, s) AS a FROM mix;
-- expect:
{"a": ["-4", "12.25", "z"]}
