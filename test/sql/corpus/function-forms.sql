-- Entries of Feldera's function index that are not functions of a family, the reasoned
-- refusals, and forms that used to answer with a raw message. Written from Feldera's SQL
-- reference (function-index.md, map.md, float.md, datetime.md, string.md, grammar.md).
-- Format: test/helpers/sql-corpus.ts.

-- case: MAP(k, v, ...) is the map constructor
CREATE TABLE kv (k VARCHAR, v INT);
INSERT INTO kv VALUES ('b', 2), ('a', NULL);
CREATE VIEW v AS SELECT MAP(k, v, 'z', 0) AS m, MAP(k, v)[k] AS back, CARDINALITY(MAP(k, v, k, 9)) AS n FROM kv;
-- expect:
{"m": {"b": 2, "z": 0}, "back": 2, "n": 1}
{"m": {"a": null, "z": 0}, "back": null, "n": 1}

-- case: MAP with keys of two types is a compile-time error
CREATE TABLE kv (k VARCHAR, v INT);
CREATE VIEW v AS SELECT MAP(k, v, v, k) AS m FROM kv;
-- expect error

-- case: PI is a bare name
CREATE TABLE r (x DOUBLE);
INSERT INTO r VALUES (2.0), (NULL);
CREATE VIEW v AS SELECT x, ROUND(PI * x, 4) AS c FROM r;
-- expect:
{"x": 2.0, "c": 6.2832}
{"x": null, "c": null}

-- case: PI() is no function
CREATE TABLE r (x DOUBLE);
CREATE VIEW v AS SELECT PI() AS p FROM r;
-- expect error

-- case: DOW and DOY are DAYOFWEEK and DAYOFYEAR
CREATE TABLE d (x DATE, ts TIMESTAMP);
INSERT INTO d VALUES ('2023-12-31', '2024-12-31 23:59:59'), ('2024-01-06', NULL);
CREATE VIEW v AS SELECT DAYOFWEEK(x) AS dw, DAYOFYEAR(x) AS dy, EXTRACT(DOW FROM x) AS edw, DAYOFYEAR(ts) AS tdy, DAYOFWEEK(ts) AS tdw FROM d;
-- expect:
{"dw": 1, "dy": 365, "edw": 1, "tdy": 366, "tdw": 3}
{"dw": 7, "dy": 6, "edw": 7, "tdy": null, "tdw": null}

-- case: DOW(d) is not a function in Feldera
CREATE TABLE d (x DATE);
CREATE VIEW v AS SELECT DOW(x) AS dw FROM d;
-- expect error

-- case: TRUNC takes no time unit
CREATE TABLE d (ts TIMESTAMP);
CREATE VIEW v AS SELECT TRUNC(ts, MINUTE) AS t FROM d;
-- expect error

-- case: TIMESTAMP_DIFF is not a Feldera function
CREATE TABLE d (a TIMESTAMP, b TIMESTAMP);
CREATE VIEW v AS SELECT TIMESTAMP_DIFF(a, b, MINUTE) AS m FROM d;
-- expect error

-- case: the unit forms Feldera has
CREATE TABLE d (a TIMESTAMP, b TIMESTAMP);
INSERT INTO d VALUES ('2024-05-01 10:15:42', '2024-05-01 12:00:00');
CREATE VIEW v AS SELECT FLOOR(a TO MINUTE) AS f, CEIL(a TO MINUTE) AS c, TIMESTAMP_TRUNC(a, HOUR) AS h, TIMESTAMPDIFF(MINUTE, a, b) AS m FROM d;
-- expect:
{"f": "2024-05-01 10:15:00", "c": "2024-05-01 10:16:00", "h": "2024-05-01 10:00:00", "m": 104}

-- case: a table alias renames the columns
CREATE TABLE p (x INT, y VARCHAR);
INSERT INTO p VALUES (1, 'one'), (2, 'two');
CREATE VIEW v AS SELECT q.n, q.label FROM p AS q (n, label) WHERE q.n > 1;
-- expect:
{"n": 2, "label": "two"}

-- case: string constants continued on the next line are one constant
CREATE TABLE p (x INT);
INSERT INTO p VALUES (1);
CREATE VIEW v AS SELECT 'foo'
  'bar' AS s FROM p;
-- expect:
{"s": "foobar"}

-- case: a user-defined type's constructor in the inserted rows and in the view
CREATE TYPE addr AS (street VARCHAR, n INT);
CREATE TABLE people (id INT, a addr);
INSERT INTO people VALUES (1, addr('main', 7)), (2, addr(NULL, 3)), (3, NULL);
CREATE VIEW v AS SELECT id, people.a.street AS street, people.a.n AS n, addr('x', id) AS made FROM people;
-- expect:
{"id": 1, "street": "main", "n": 7, "made": {"street": "x", "n": 1}}
{"id": 2, "street": null, "n": 3, "made": {"street": "x", "n": 2}}
{"id": 3, "street": null, "n": null, "made": {"street": "x", "n": 3}}

-- case: SELECT * EXCLUDE leaves columns out
CREATE TABLE p (x INT, y VARCHAR, z INT);
INSERT INTO p VALUES (1, 'one', 10), (NULL, 'two', NULL);
CREATE VIEW v AS SELECT * EXCLUDE (z) FROM p;
-- expect:
{"x": 1, "y": "one"}
{"x": null, "y": "two"}

-- case: GROUP BY () is the grand total, GROUP BY (a, b) groups by both
CREATE TABLE p (x INT, y VARCHAR, z INT);
INSERT INTO p VALUES (1, 'a', 10), (1, 'a', 5), (2, 'a', 1);
CREATE VIEW v AS SELECT x, y, SUM(z) AS total FROM p GROUP BY (x, y);
-- expect:
{"x": 1, "y": "a", "total": 15}
{"x": 2, "y": "a", "total": 1}

-- case: FETCH FIRST ROW ONLY keeps one row
CREATE TABLE p (x INT);
INSERT INTO p VALUES (3), (1), (2);
CREATE VIEW v AS SELECT x FROM p ORDER BY x DESC FETCH FIRST ROW ONLY;
-- expect:
{"x": 3}
