-- UNNEST cases for issue 10 (flattening arrays and maps in FROM), with Feldera's semantics.
-- Format: test/helpers/sql-corpus.ts.

-- case: lateral UNNEST WITH ORDINALITY; a NULL array gives no rows, NULL elements stay
CREATE TABLE shelf (id INT, xs INT ARRAY, ys INT ARRAY NOT NULL);
INSERT INTO shelf VALUES (10, ARRAY[3, NULL, 3], ARRAY[1]), (11, NULL, ARRAY[]), (12, ARRAY[], ARRAY[6, 7]);
CREATE VIEW v AS SELECT id, x * 2 AS twice, pos FROM shelf, UNNEST(xs) WITH ORDINALITY AS e (x, pos);
-- expect:
{"id": 10, "twice": 6, "pos": 1}
{"id": 10, "twice": null, "pos": 2}
{"id": 10, "twice": 6, "pos": 3}

-- case: duplicate elements make a multiset; CROSS JOIN form with a one-column alias
CREATE TABLE towns (names VARCHAR ARRAY, land VARCHAR);
INSERT INTO towns VALUES (ARRAY['Oslo', 'Oslo', 'Bergen'], 'NO'), (ARRAY['Lyon'], 'FR');
CREATE VIEW v AS SELECT town, towns.land FROM towns CROSS JOIN UNNEST(towns.names) AS town;
-- expect:
{"town": "Oslo", "land": "NO"}
{"town": "Oslo", "land": "NO"}
{"town": "Bergen", "land": "NO"}
{"town": "Lyon", "land": "FR"}

-- case: an array of ROWs unnests into its fields; a NULL element gives NULL fields
CREATE TABLE parcels (id INT, lines ROW(sku INT NOT NULL, qty INT NULL) ARRAY);
INSERT INTO parcels VALUES (1, ARRAY[ROW(5, 2), ROW(6, NULL), NULL]), (2, NULL);
CREATE VIEW v AS SELECT id, s, q, n FROM parcels, UNNEST(lines) WITH ORDINALITY AS l (s, q, n);
-- expect:
{"id": 1, "s": 5, "q": 2, "n": 1}
{"id": 1, "s": 6, "q": null, "n": 2}
{"id": 1, "s": null, "q": null, "n": 3}

-- case: UNNEST of a constant array alone in FROM, aggregated
CREATE TABLE unused (x INT);
CREATE VIEW v AS SELECT SUM(d) AS total, COUNT(*) AS n FROM UNNEST(ARRAY[4, 5, 6]) AS t (d);
-- expect:
{"total": 15, "n": 3}

-- case: UNNEST of a MAP gives its key and value in key order
CREATE TABLE stock (zips MAP<VARCHAR, INT>, country VARCHAR);
INSERT INTO stock VALUES (MAP['b', 2, 'a', 1], 'X'), (NULL, 'Y');
CREATE VIEW v AS SELECT country, city, zip FROM stock CROSS JOIN UNNEST(stock.zips) AS z (city, zip);
-- expect:
{"country": "X", "city": "a", "zip": 1}
{"country": "X", "city": "b", "zip": 2}

-- case: JOIN UNNEST ... ON filters the flattened rows; a field of a ROW column is unnested
CREATE TABLE docs (id INT, meta ROW(tags VARCHAR ARRAY, n INT));
INSERT INTO docs VALUES (1, ROW(ARRAY['a', 'bb', 'ccc'], 1)), (2, NULL);
CREATE VIEW v AS SELECT id, tag FROM docs JOIN UNNEST(docs.meta.tags) AS g (tag) ON CHAR_LENGTH(tag) > 1;
-- expect:
{"id": 1, "tag": "bb"}
{"id": 1, "tag": "ccc"}

-- case: UNNEST of an array of arrays gives the inner arrays
CREATE TABLE grid (id INT, m INT ARRAY ARRAY);
INSERT INTO grid VALUES (1, ARRAY[ARRAY[1, 2], NULL, ARRAY[]]);
CREATE VIEW v AS SELECT id, CARDINALITY(r) AS len, i FROM grid, UNNEST(m) WITH ORDINALITY AS q (r, i);
-- expect:
{"id": 1, "len": 2, "i": 1}
{"id": 1, "len": null, "i": 2}
{"id": 1, "len": 0, "i": 3}

-- case: an array of a user-defined type unnests into the type's fields
CREATE TYPE reading AS (sensor INT NOT NULL, val INT);
CREATE TABLE log (day INT, rs reading ARRAY NOT NULL);
INSERT INTO log VALUES (1, ARRAY[ROW(7, NULL), NULL]), (2, ARRAY[ROW(8, 80)]);
CREATE VIEW v AS SELECT day, sensor + 100 AS s, val, k FROM log, UNNEST(rs) WITH ORDINALITY AS r (sensor, val, k);
-- expect:
{"day": 1, "s": 107, "val": null, "k": 1}
{"day": 1, "s": null, "val": null, "k": 2}
{"day": 2, "s": 108, "val": 80, "k": 1}
