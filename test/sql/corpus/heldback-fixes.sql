-- Cases for the findings of the held-back corpus sample (Feldera's runtime_aggtest): NULL
-- ordering keys in ARG_MAX/ARG_MIN, TIMESTAMP text without its fraction, the VARIANT null from
-- a cast of NULL, JSON ingress of ROW fields and non-string MAP keys, and the ad-hoc JSON form.
-- Format: test/helpers/sql-corpus.ts.

-- case: a reading taken at an unknown hour loses to every timed one in ARG_MAX and ARG_MIN
CREATE TABLE readings (sensor VARCHAR, hour INT);
INSERT INTO readings VALUES ('north', NULL), ('south', 7), ('east', 3);
CREATE VIEW v AS SELECT ARG_MAX(sensor, hour) AS latest, ARG_MIN(sensor, hour) AS earliest FROM readings;
-- expect:
{"latest": "south", "earliest": "east"}

-- case: a group whose only key is NULL picks that row in both
CREATE TABLE shifts (crew INT, lead VARCHAR, started TIME);
INSERT INTO shifts VALUES (1, 'kim', NULL), (2, 'lou', TIME '06:00:00'), (2, 'max', TIME '22:00:00');
CREATE VIEW v AS SELECT crew, ARG_MAX(lead, started) AS last_lead, ARG_MIN(lead, started) AS first_lead FROM shifts GROUP BY crew;
-- expect:
{"crew": 1, "last_lead": "kim", "first_lead": "kim"}
{"crew": 2, "last_lead": "max", "first_lead": "lou"}

-- case: a TIMESTAMP turned into text has no fraction of a second
CREATE TABLE stamps (at TIMESTAMP);
INSERT INTO stamps VALUES (TIMESTAMP '2031-07-04 09:08:07.654321');
CREATE VIEW v AS SELECT CAST(at AS VARCHAR) AS txt, RIGHT(at, 5) AS tail, CONCAT('at ', at) AS label FROM stamps;
-- expect:
{"txt": "2031-07-04 09:08:07", "tail": "08:07", "label": "at 2031-07-04 09:08:07"}

-- case: a missing number cast to VARIANT is the VARIANT null, which is not SQL NULL
CREATE TABLE gauges (id INT, level SMALLINT);
INSERT INTO gauges VALUES (1, 40), (2, NULL);
CREATE VIEW v AS SELECT id, CAST(level AS VARIANT) IS NULL AS missing, TO_JSON(CAST(level AS VARIANT)) AS js FROM gauges;
-- expect:
{"id": 1, "missing": false, "js": "40"}
{"id": 2, "missing": false, "js": "null"}

-- case: JSON null in the VARIANT fields of a ROW is the VARIANT null
CREATE TABLE events (id INT, meta ROW(src VARIANT, note VARIANT));
-- input events: {"insert": {"id": 1, "meta": {"src": "app", "note": null}}}
-- input events: {"insert": {"id": 2, "meta": {"src": null, "note": null}}}
CREATE VIEW v AS SELECT id, meta.src IS NULL AS src_missing, TO_JSON(meta.note) AS note FROM events;
-- expect:
{"id": 1, "src_missing": false, "note": "null"}
{"id": 2, "src_missing": false, "note": "null"}

-- case: a MAP with integer keys arrives as a JSON object keyed by the numbers' text
CREATE TABLE stock (shelf INT, counts MAP<INT, INT>);
-- input stock: {"insert": {"shelf": 1, "counts": {"10": 3, "20": 5}}}
-- input stock: {"insert": {"shelf": 2, "counts": {"-1": null}}}
CREATE VIEW v AS SELECT shelf, counts[20] AS twenty, CARDINALITY(counts) AS kinds, counts FROM stock;
-- expect:
{"shelf": 1, "twenty": 5, "kinds": 2, "counts": {"10": 3, "20": 5}}
{"shelf": 2, "twenty": null, "kinds": 1, "counts": {"-1": null}}

-- case: the ad-hoc JSON form: T in timestamps, hex bytes, VARIANT as its JSON text
CREATE TABLE parcels (id INT, sent TIMESTAMP, tag VARBINARY, info VARIANT, extra INT);
INSERT INTO parcels VALUES (1, TIMESTAMP '2022-03-04 05:06:07.25', x'0aff', PARSE_JSON('{"kg": 2}'), NULL);
CREATE VIEW v AS SELECT id, sent, tag, info, CAST(extra AS VARIANT) AS extra_v, ARRAY[info] AS infos FROM parcels;
-- expect adhoc:
{"id": 1, "sent": "2022-03-04T05:06:07.250", "tag": "0aff", "info": "{\"kg\":2}", "extra_v": "null", "infos": ["{\"kg\":2}"]}

-- case: a TIME turned into text has no fraction of a second either
CREATE TABLE laps (lap INT, split TIME);
INSERT INTO laps VALUES (1, TIME '07:05:09.875'), (2, TIME '23:59:59');
CREATE VIEW v AS SELECT lap, CAST(split AS VARCHAR) AS txt, CAST(split AS TIMESTAMP) AS stamp FROM laps;
-- expect adhoc:
{"lap": 1, "txt": "07:05:09", "stamp": "1970-01-01T07:05:09.875"}
{"lap": 2, "txt": "23:59:59", "stamp": "1970-01-01T23:59:59"}

-- case: text that is a whole timestamp is not a TIME: the cast fails the step
CREATE TABLE clock (reading VARCHAR);
INSERT INTO clock VALUES ('1999-12-31 23:59:00');
CREATE VIEW v AS SELECT CAST(reading AS TIME) AS t FROM clock;
-- expect error

-- case: SAFE_CAST of text that is not a time gives NULL
CREATE TABLE clock (reading VARCHAR);
INSERT INTO clock VALUES ('1999-12-31 23:59:00'), ('08:15:00');
CREATE VIEW v AS SELECT reading, SAFE_CAST(reading AS TIME) AS t FROM clock;
-- expect:
{"reading": "1999-12-31 23:59:00", "t": null}
{"reading": "08:15:00", "t": "08:15:00"}

-- case: text cast to a binary type is its UTF-8 bytes, cut or zero-padded to the length
CREATE TABLE words (w VARCHAR);
INSERT INTO words VALUES ('ok!'), ('é');
CREATE VIEW v AS SELECT w, CAST(w AS BINARY) AS one, CAST(w AS BINARY(4)) AS four, CAST(w AS VARBINARY) AS all_bytes FROM words;
-- expect adhoc:
{"w": "ok!", "one": "6f", "four": "6f6b2100", "all_bytes": "6f6b21"}
{"w": "é", "one": "c3", "four": "c3a90000", "all_bytes": "c3a9"}

-- case: a UUID from a binary value takes its first 16 bytes
CREATE TABLE blobs (id INT, b VARBINARY);
INSERT INTO blobs VALUES (1, x'00112233445566778899aabbccddeeff'), (2, x'00112233445566778899aabbccddeeff0102');
CREATE VIEW v AS SELECT id, CAST(b AS UUID) AS u FROM blobs;
-- expect:
{"id": 1, "u": "00112233-4455-6677-8899-aabbccddeeff"}
{"id": 2, "u": "00112233-4455-6677-8899-aabbccddeeff"}

-- case: a UUID needs at least 16 bytes
CREATE TABLE blobs (b VARBINARY);
INSERT INTO blobs VALUES (x'0011223344556677');
CREATE VIEW v AS SELECT CAST(b AS UUID) AS u FROM blobs;
-- expect error

-- case: a character literal compared with a binary column is hex, every byte of it
CREATE TABLE tags (id INT, b BINARY);
-- input tags: {"insert": {"id": 1, "b": [171, 205, 1]}}
-- input tags: {"insert": {"id": 2, "b": [171]}}
CREATE VIEW v AS SELECT id, b = 'abcd01' AS whole, b = 'ab' AS first_only, CASE b WHEN 'ab' THEN 'short' WHEN 'abcd01' THEN 'long' END AS which FROM tags;
-- expect:
{"id": 1, "whole": true, "first_only": false, "which": "long"}
{"id": 2, "whole": false, "first_only": true, "which": "short"}

-- case: TYPEOF of a SQL NULL is the text NULL (a JSON null element of a VARIANT ARRAY is one)
CREATE TABLE bags (id INT, items VARIANT ARRAY);
-- input bags: {"insert": {"id": 1, "items": ["pen", null]}}
CREATE VIEW v AS SELECT id, TYPEOF(items[1]) AS first, TYPEOF(items[2]) AS json_null, TYPEOF(items[3]) AS past_end, TYPEOF(VARIANTNULL()) AS variant_null FROM bags;
-- expect:
{"id": 1, "first": "VARCHAR", "json_null": "NULL", "past_end": "NULL", "variant_null": "VARIANT"}

-- case: JSON integers read into a VARIANT column are 64-bit integers, unsigned when not negative
CREATE TABLE readings (id INT, val VARIANT);
-- input readings: {"insert": {"id": 1, "val": 42}}
-- input readings: {"insert": {"id": 2, "val": -42}}
-- input readings: {"insert": {"id": 3, "val": 4.5}}
-- input readings: {"insert": {"id": 4, "val": 18446744073709551616}}
CREATE VIEW v AS SELECT id, TYPEOF(val) AS kind, CAST(val AS BIGINT) AS as_big FROM readings;
-- expect:
{"id": 1, "kind": "BIGINT UNSIGNED", "as_big": 42}
{"id": 2, "kind": "BIGINT", "as_big": -42}
{"id": 3, "kind": "DECIMAL", "as_big": 4}
{"id": 4, "kind": "DECIMAL", "as_big": null}

-- case: PARSE_JSON still reads every number as a DECIMAL
CREATE TABLE docs (s VARCHAR);
INSERT INTO docs VALUES ('{"n": 8}');
CREATE VIEW v AS SELECT TYPEOF(PARSE_JSON(s)['n']) AS kind FROM docs;
-- expect:
{"kind": "DECIMAL"}

-- case: comparing two row constructors is field by field, so a NULL field can make it unknown
CREATE TABLE pairs (id INT, a VARCHAR, b VARCHAR);
INSERT INTO pairs VALUES (1, NULL, 'x'), (2, 'x', 'y'), (3, 'x', 'x');
CREATE VIEW v AS SELECT id, ROW(b, a) = ROW(a, b) AS same, ROW(b, a) <> ROW(a, b) AS differ, ROW(a, 'k') = ROW(b, 'j') AS never FROM pairs;
-- expect:
{"id": 1, "same": null, "differ": null, "never": false}
{"id": 2, "same": false, "differ": true, "never": false}
{"id": 3, "same": true, "differ": false, "never": false}
