-- Grouping sets, ROLLUP, CUBE and GROUPING (src/sql/grouping-sets.ts). Format: test/helpers/sql-corpus.ts.

-- case: ROLLUP of two columns gives subtotals and a grand total
CREATE TABLE orders (shop VARCHAR, day INT, amount INT);
INSERT INTO orders VALUES ('north', 1, 10), ('north', 2, 30), ('south', 1, 5);
CREATE VIEW v AS SELECT shop, day, SUM(amount) AS total FROM orders GROUP BY ROLLUP(shop, day);
-- expect:
{"shop": "north", "day": 1, "total": 10}
{"shop": "north", "day": 2, "total": 30}
{"shop": "south", "day": 1, "total": 5}
{"shop": "north", "day": null, "total": 40}
{"shop": "south", "day": null, "total": 5}
{"shop": null, "day": null, "total": 45}

-- case: GROUPING marks the rolled-up NULL, not the NULL in the data
CREATE TABLE orders (shop VARCHAR, amount INT);
INSERT INTO orders VALUES ('north', 10), (NULL, 7);
CREATE VIEW v AS SELECT shop, GROUPING(shop) AS rolled, COUNT(*) AS n FROM orders GROUP BY CUBE(shop);
-- expect:
{"shop": "north", "rolled": 0, "n": 1}
{"shop": null, "rolled": 0, "n": 1}
{"shop": null, "rolled": 1, "n": 2}

-- case: GROUPING of several keys is a bit vector, the first key most significant
CREATE TABLE m (a INT, b INT);
INSERT INTO m VALUES (1, 2);
CREATE VIEW v AS SELECT GROUPING(a, b) AS g, GROUPING_ID(b, a) AS h FROM m GROUP BY GROUPING SETS ((a, b), (a), (b), ());
-- expect:
{"g": 0, "h": 0}
{"g": 1, "h": 2}
{"g": 2, "h": 1}
{"g": 3, "h": 3}

-- case: HAVING filters on GROUPING
CREATE TABLE orders (shop VARCHAR, amount INT);
INSERT INTO orders VALUES ('north', 10), ('south', 3), ('south', 4);
CREATE VIEW v AS SELECT shop, SUM(amount) AS total FROM orders GROUP BY ROLLUP(shop) HAVING GROUPING(shop) = 1 OR SUM(amount) > 8;
-- expect:
{"shop": "north", "total": 10}
{"shop": null, "total": 17}

-- case: a plain key times a ROLLUP, with a repeated set kept and then dropped by DISTINCT
CREATE TABLE m (a INT, b INT);
INSERT INTO m VALUES (1, 1), (1, 2);
CREATE VIEW v AS SELECT a, b, COUNT(*) AS n FROM m GROUP BY DISTINCT a, ROLLUP(a, b);
-- expect:
{"a": 1, "b": 1, "n": 1}
{"a": 1, "b": 2, "n": 1}
{"a": 1, "b": null, "n": 2}

-- case: the empty grouping set over an empty table still has its row
CREATE TABLE m (a INT, x INT);
CREATE VIEW v AS SELECT a, COUNT(*) AS n, SUM(x) AS s FROM m GROUP BY GROUPING SETS ((a), ());
-- expect:
{"a": null, "n": 0, "s": null}

-- case: ROLLUP cannot hold a ROLLUP
CREATE TABLE m (a INT);
CREATE VIEW v AS SELECT a, COUNT(*) AS n FROM m GROUP BY ROLLUP(ROLLUP(a));
-- expect error

-- case: GROUP BY () makes one group even without aggregates
CREATE TABLE m (a INT);
INSERT INTO m VALUES (4), (5);
CREATE VIEW v AS SELECT 'all' AS label FROM m GROUP BY ();
-- expect:
{"label": "all"}

-- case: GROUP BY () does not group a bare column
CREATE TABLE m (a INT);
CREATE VIEW v AS SELECT a FROM m GROUP BY ();
-- expect error
