-- Binary-string functions as Feldera runs them. Format: test/helpers/sql-corpus.ts.

-- case: binary functions count bytes
CREATE TABLE blobs (id INT, b VARBINARY);
INSERT INTO blobs VALUES (1, x'0b1620'), (2, x'ffeeddccbbaa'), (3, x''), (4, NULL);
CREATE VIEW blob_facts AS SELECT id, TO_HEX(b) AS hex, TO_INT(b) AS n, OCTET_LENGTH(b) AS len, LEFT(b, 2) AS l,
  RIGHT(b, 2) AS r, SUBSTRING(b FROM 0 FOR 3) AS s03, SUBSTRING(b, 2) AS s2, POSITION(x'dd' IN b) AS p,
  b || x'01' AS cat, MD5(b) AS digest FROM blobs;
-- expect:
{"id": 1, "hex": "0b1620", "n": 726560, "len": 3, "l": [11, 22], "r": [22, 32], "s03": [11, 22, 32], "s2": [22, 32], "p": 0, "cat": [11, 22, 32, 1], "digest": "e0309b5efe8eb13b4cb57f371b254591"}
{"id": 2, "hex": "ffeeddccbbaa", "n": -1122868, "len": 6, "l": [255, 238], "r": [187, 170], "s03": [255, 238, 221], "s2": [238, 221, 204, 187, 170], "p": 3, "cat": [255, 238, 221, 204, 187, 170, 1], "digest": "4c1e22aa2cd33db1b7e37558c865ea38"}
{"id": 3, "hex": "", "n": 0, "len": 0, "l": [], "r": [], "s03": [], "s2": [], "p": 0, "cat": [1], "digest": "d41d8cd98f00b204e9800998ecf8427e"}
{"id": 4, "hex": null, "n": null, "len": null, "l": null, "r": null, "s03": null, "s2": null, "p": null, "cat": null, "digest": null}

-- case: GUNZIP decompresses to text; BIN2UTF8 is NULL for bytes that are not UTF-8
CREATE TABLE packed (id INT, z VARBINARY);
INSERT INTO packed VALUES (1, x'1f8b08000000000002032bce4bcc4e55f8307f42af42496a450900ced871950f000000'), (2, x'4041'), (3, NULL);
CREATE VIEW unpacked AS SELECT id, CASE WHEN id = 1 THEN GUNZIP(z) END AS text, BIN2UTF8(z) AS utf8 FROM packed;
-- expect:
{"id": 1, "text": "snake 🐍 text", "utf8": null}
{"id": 2, "text": null, "utf8": "@A"}
{"id": 3, "text": null, "utf8": null}

-- case: strings passed to binary functions are their UTF-8 bytes
CREATE TABLE txt (s VARCHAR);
INSERT INTO txt VALUES ('hello '), ('🐍🐍');
CREATE VIEW txt_bytes AS SELECT s, OCTET_LENGTH(s) AS len, TO_HEX(s) AS hex, TO_INT(s) AS n FROM txt;
-- expect:
{"s": "hello ", "len": 6, "hex": "68656c6c6f20", "n": 1751477356}
{"s": "🐍🐍", "len": 8, "hex": "f09f908df09f908d", "n": -257978227}

-- case: OVERLAY on bytes, and binary comparisons in a filter
CREATE TABLE bo (id INT, b VARBINARY);
INSERT INTO bo VALUES (1, x'1234567890'), (2, x'12'), (3, x'ff');
CREATE VIEW bo_v AS SELECT id, OVERLAY(b PLACING x'0203' FROM 2 FOR 3) AS o FROM bo WHERE b < x'13';
-- expect:
{"id": 1, "o": [18, 2, 3, 144]}
{"id": 2, "o": [18, 2, 3]}

-- case: GUNZIP of data that is not gzip fails at run time
CREATE TABLE notgz (z VARBINARY);
INSERT INTO notgz VALUES (x'0102030405');
CREATE VIEW bad AS SELECT GUNZIP(z) AS t FROM notgz;
-- expect error

-- case: OCTET_LENGTH of a REAL is an illegal argument
CREATE TABLE reals (r REAL);
CREATE VIEW bad AS SELECT OCTET_LENGTH(r) AS n FROM reals;
-- expect error

-- case: TO_HEX of a UUID is an illegal argument
CREATE TABLE uuids (u UUID);
CREATE VIEW bad AS SELECT TO_HEX(u) AS h FROM uuids;
-- expect error

-- case: CONCAT of binary values is not implemented in Feldera either
CREATE TABLE bins (b VARBINARY);
CREATE VIEW bad AS SELECT CONCAT(b, b) AS c FROM bins;
-- expect error
