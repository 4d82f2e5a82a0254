-- String functions as Feldera runs them (reference examples, its runtime's edge rules, Calcite's
-- conversions of other types to text). Format: test/helpers/sql-corpus.ts.

-- case: string functions over Unicode text count code points
CREATE TABLE words (id INT, w VARCHAR);
INSERT INTO words VALUES (1, 'Ünïcödé wörld'), (2, '🐍 snake'), (3, '東京タワー'), (4, 'a-b_c d'), (5, NULL);
CREATE VIEW word_facts AS SELECT id, ASCII(w) AS code, CHAR_LENGTH(w) AS chars, OCTET_LENGTH(w) AS bytes,
  LEFT(w, 3) AS head, RIGHT(w, 3) AS tail, SUBSTR(w, 2, 3) AS mid, UPPER(w) AS up, LOWER(w) AS low,
  REVERSE(w) AS rev, MD5(w) AS digest, TO_HEX(w) AS hex, TO_INT(w) AS first4 FROM words;
-- expect:
{"id": 1, "code": 220, "chars": 13, "bytes": 18, "head": "Ünï", "tail": "rld", "mid": "nïc", "up": "ÜNÏCÖDÉ WÖRLD", "low": "ünïcödé wörld", "rev": "dlröw édöcïnÜ", "digest": "10225e9e8f58cb8978a46ff65626271b", "hex": "c39c6ec3af63c3b664c3a92077c3b6726c64", "first4": -1013158205}
{"id": 2, "code": 128013, "chars": 7, "bytes": 10, "head": "🐍 s", "tail": "ake", "mid": " sn", "up": "🐍 SNAKE", "low": "🐍 snake", "rev": "ekans 🐍", "digest": "1c7353b85068d634bb2c1c071566a81b", "hex": "f09f908d20736e616b65", "first4": -257978227}
{"id": 3, "code": 26481, "chars": 5, "bytes": 15, "head": "東京タ", "tail": "タワー", "mid": "京タワ", "up": "東京タワー", "low": "東京タワー", "rev": "ーワタ京東", "digest": "98b3c6d099b664f6b0cbf4b3dad412e8", "hex": "e69db1e4baace382bfe383afe383bc", "first4": -425872924}
{"id": 4, "code": 97, "chars": 7, "bytes": 7, "head": "a-b", "tail": "c d", "mid": "-b_", "up": "A-B_C D", "low": "a-b_c d", "rev": "d c_b-a", "digest": "93b4b5fb188d9dfc343403b5e020dd6f", "hex": "612d625f632064", "first4": 1630364255}
{"id": 5, "code": null, "chars": null, "bytes": null, "head": null, "tail": null, "mid": null, "up": null, "low": null, "rev": null, "digest": null, "hex": null, "first4": null}

-- case: other scalar types are taken as their text
CREATE TABLE mixed (i INT, d DECIMAL(6, 2), b BOOLEAN, u UUID, bin VARBINARY);
INSERT INTO mixed VALUES (-12, -1111.52, TRUE, UUID '42b8fec7-c7a3-4531-9611-4bde80f9cb4c', x'0b1620');
CREATE VIEW mixed_text AS SELECT CONCAT(i, d) AS joined, i || b AS piped, LEFT(b, 2) AS b2, UPPER(u) AS uu,
  CONCAT_WS('@', bin, 55) AS ws, POSITION('11' IN d) AS pos, SPLIT(d, '.') AS parts, SPLIT_PART(u, '-', 2) AS part2 FROM mixed;
-- expect:
{"joined": "-12-1111.52", "piped": "-12TRUE", "b2": "TR", "uu": "42B8FEC7-C7A3-4531-9611-4BDE80F9CB4C", "ws": "0b1620@55", "pos": 2, "parts": ["-1111", "52"], "part2": "c7a3"}

-- case: CONCAT_WS skips NULL arguments, but leading NULLs leave an empty first element
CREATE TABLE parts (id INT, a VARCHAR, b VARCHAR, sep VARCHAR);
INSERT INTO parts VALUES (1, 'x', 'y', ','), (2, NULL, 'y', ','), (3, 'x', NULL, ','), (4, NULL, NULL, ','), (5, 'x', 'y', NULL);
CREATE VIEW joined AS SELECT id, CONCAT_WS(sep, a, b) AS two, CONCAT_WS(sep, a, b, 'z') AS three FROM parts;
-- expect:
{"id": 1, "two": "x,y", "three": "x,y,z"}
{"id": 2, "two": ",y", "three": ",y,z"}
{"id": 3, "two": "x", "three": "x,z"}
{"id": 4, "two": "", "three": ",z"}
{"id": 5, "two": null, "three": null}

-- case: SPLIT and SPLIT_PART, empty strings and delimiters, negative parts
CREATE TABLE csv (id INT, line VARCHAR, n INT);
INSERT INTO csv VALUES (1, 'a,b,,c', 3), (2, '', 1), (3, 'one', -1), (4, 'a,b', 0), (5, 'a,b', -3);
CREATE VIEW fields AS SELECT id, SPLIT(line) AS items, SPLIT(line, '') AS whole, SPLIT_PART(line, ',', n) AS nth FROM csv;
-- expect:
{"id": 1, "items": ["a", "b", "", "c"], "whole": ["a,b,,c"], "nth": ""}
{"id": 2, "items": [], "whole": [""], "nth": ""}
{"id": 3, "items": ["one"], "whole": ["one"], "nth": "one"}
{"id": 4, "items": ["a", "b"], "whole": ["a,b"], "nth": ""}
{"id": 5, "items": ["a", "b"], "whole": ["a,b"], "nth": ""}

-- case: OVERLAY, REPEAT, REPLACE and TRIM at their edges
CREATE TABLE edits (id INT, s VARCHAR, n INT);
INSERT INTO edits VALUES (1, 'abcdef', 2), (2, 'abcdef', 0), (3, 'abcdef', 7), (4, 'xxabcxx', -1);
CREATE VIEW edited AS SELECT id, OVERLAY(s PLACING 'XY' FROM n) AS o3, OVERLAY(s PLACING 'XY' FROM n FOR 1) AS o4,
  REPEAT(s, n) AS r, REPLACE(s, 'x', '') AS rep, TRIM(BOTH 'x' FROM s) AS t FROM edits;
-- expect:
{"id": 1, "o3": "aXYdef", "o4": "aXYcdef", "r": "abcdefabcdef", "rep": "abcdef", "t": "abcdef"}
{"id": 2, "o3": "abcdef", "o4": "abcdef", "r": "", "rep": "abcdef", "t": "abcdef"}
{"id": 3, "o3": "abcdefXY", "o4": "abcdefXY", "r": "abcdefabcdefabcdefabcdefabcdefabcdefabcdef", "rep": "abcdef", "t": "abcdef"}
{"id": 4, "o3": "xxabcxx", "o4": "xxabcxx", "r": "", "rep": "abc", "t": "abc"}

-- case: INITCAP splits words at non-alphanumerics, INITCAP_SPACES at white space
CREATE TABLE titles (t VARCHAR);
INSERT INTO titles VALUES ('hello wORLD'), ('o''neil-SMITH 2nd'), ('élan VITAL');
CREATE VIEW capped AS SELECT t, INITCAP(t) AS ic, INITCAP_SPACES(t) AS ics FROM titles;
-- expect:
{"t": "hello wORLD", "ic": "Hello World", "ics": "Hello World"}
{"t": "o'neil-SMITH 2nd", "ic": "O'Neil-Smith 2nd", "ics": "O'neil-smith 2nd"}
{"t": "élan VITAL", "ic": "Élan Vital", "ics": "Élan Vital"}

-- case: CHR and ASCII round trip, invalid codes give the empty string
CREATE TABLE codes (c INT);
INSERT INTO codes VALUES (65), (128013), (-5), (55296), (NULL);
CREATE VIEW chars AS SELECT c, CHR(c) AS ch, ASCII(CHR(c)) AS back FROM codes;
-- expect:
{"c": 65, "ch": "A", "back": 65}
{"c": 128013, "ch": "🐍", "back": 128013}
{"c": -5, "ch": "", "back": 0}
{"c": 55296, "ch": "", "back": 0}
{"c": null, "ch": null, "back": null}

-- case: U& literals and literals continued on the next line
CREATE TABLE one (x INT);
INSERT INTO one VALUES (1);
CREATE VIEW lits AS SELECT U&'caf\00e9' AS a, U&'snake #+01F40D' UESCAPE '#' AS b, 'con'
  'cat' AS c FROM one;
-- expect:
{"a": "café", "b": "snake 🐍", "c": "concat"}

-- case: ASCII of a MAP is an illegal argument
CREATE TABLE m (mp MAP<VARCHAR, INT>);
CREATE VIEW bad AS SELECT ASCII(mp) AS a FROM m;
-- expect error

-- case: LEFT of a ROW is an illegal argument
CREATE TABLE r (rw ROW(i1 INT, v1 VARCHAR NULL));
CREATE VIEW bad AS SELECT LEFT(rw, 2) AS l FROM r;
-- expect error

-- case: TRIM of a binary value with a string is an illegal argument
CREATE TABLE b (bin VARBINARY);
CREATE VIEW bad AS SELECT TRIM(LEADING '0b' FROM bin) AS t FROM b;
-- expect error
