-- Cases for the second round of held-back corpus findings (Feldera's runtime_aggtest): set
-- quantifiers Feldera refuses, ROW and user-defined type values sent as JSON arrays, words
-- Feldera does not reserve used as aliases, SEQUENCE over text, VARIANT map keys, and NULL
-- rows cast to and from VARIANT. Format: test/helpers/sql-corpus.ts.

-- case: EXCEPT ALL is refused, as Feldera does
CREATE TABLE orders (item VARCHAR);
CREATE TABLE returns (item VARCHAR);
CREATE VIEW v AS SELECT item FROM orders EXCEPT ALL SELECT item FROM returns;
-- expect error

-- case: MINUS ALL is refused too
CREATE TABLE orders (item VARCHAR);
CREATE TABLE returns (item VARCHAR);
CREATE VIEW v AS SELECT item FROM orders MINUS ALL SELECT item FROM returns;
-- expect error

-- case: EXCEPT without ALL keeps the distinct rows of the left side only
CREATE TABLE orders (item VARCHAR);
CREATE TABLE returns (item VARCHAR);
INSERT INTO orders VALUES ('pen'), ('pen'), ('ink'), ('pad');
INSERT INTO returns VALUES ('ink');
CREATE VIEW v AS SELECT item FROM orders EXCEPT SELECT item FROM returns;
-- expect:
{"item": "pen"}
{"item": "pad"}

-- case: a structure type sent as an array of its field values, inside a ROW
CREATE TYPE coord AS (lat INT NOT NULL, lon INT);
CREATE TABLE sightings (id INT, spot ROW(at coord NOT NULL, note VARCHAR NULL));
-- input sightings: {"insert": {"id": 1, "spot": [[48, 11], "owl"]}}
-- input sightings: {"insert": {"id": 2, "spot": {"at": [51, null], "note": null}}}
CREATE VIEW v AS SELECT id, sightings.spot.at.lat AS lat, sightings.spot.at.lon AS lon, sightings.spot.note AS note FROM sightings;
-- expect:
{"id": 1, "lat": 48, "lon": 11, "note": "owl"}
{"id": 2, "lat": 51, "lon": null, "note": null}

-- case: arrays and maps of rows sent as arrays of field values
CREATE TABLE legs (id INT, hops ROW(k VARCHAR, n INT) ARRAY, named MAP<VARCHAR, ROW(k VARCHAR, n INT)>);
-- input legs: {"insert": {"id": 7, "hops": [["a", 1], ["b", 2]], "named": {"x": ["c", 3]}}}
CREATE VIEW v AS SELECT id, hops[2].n AS second, named['x'].k AS xk FROM legs;
-- expect:
{"id": 7, "second": 2, "xk": "c"}

-- case: EXISTS and TRUE name columns after AS
CREATE TABLE bins (id INT);
INSERT INTO bins VALUES (3);
CREATE VIEW v AS SELECT EXISTS (SELECT 1 FROM bins WHERE id > 2) AS exists, id AS true FROM bins;
-- expect:
{"exists": true, "true": 3}

-- case: SEQUENCE reads a number kept as text
CREATE TABLE spans (lo VARCHAR, hi INT);
INSERT INTO spans VALUES ('4', 6), ('9', 8);
CREATE VIEW v AS SELECT lo, SEQUENCE(lo, hi) AS steps FROM spans;
-- expect:
{"lo": "4", "steps": [4, 5, 6]}
{"lo": "9", "steps": []}

-- case: SEQUENCE over text that is not a number fails the step
CREATE TABLE spans (lo VARCHAR, hi INT);
INSERT INTO spans VALUES ('four', 6);
CREATE VIEW v AS SELECT SEQUENCE(lo, hi) AS steps FROM spans;
-- expect error

-- case: a VARIANT-keyed map looked up with a string
CREATE TABLE props (id INT, bag MAP<VARIANT, VARIANT>);
-- input props: {"insert": {"id": 1, "bag": {"color": "red", "size": 4}}}
-- input props: {"insert": {"id": 2, "bag": {"size": 9}}}
CREATE VIEW v AS SELECT id, TYPEOF(bag['color']) AS kind, CAST(bag['size'] AS INT) AS size FROM props;
-- expect:
{"id": 1, "kind": "VARCHAR", "size": 4}
{"id": 2, "kind": "NULL", "size": 9}

-- case: a missing ROW cast to VARIANT is a map of its fields, each null, and back a ROW of NULLs
CREATE TABLE parcels (id INT, dims ROW(w INT, h INT));
-- input parcels: {"insert": {"id": 1, "dims": {"w": 3, "h": 4}}}
-- input parcels: {"insert": {"id": 2, "dims": null}}
CREATE LOCAL VIEW asv AS SELECT id, CAST(dims AS VARIANT) AS d FROM parcels;
CREATE VIEW v AS SELECT id, d, CAST(d AS ROW(w INT, h INT)) AS back FROM asv;
-- expect adhoc:
{"id": 1, "d": "{\"h\":4,\"w\":3}", "back": {"w": 3, "h": 4}}
{"id": 2, "d": "{\"h\":null,\"w\":null}", "back": {"w": null, "h": null}}
