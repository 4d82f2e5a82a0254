-- Regular-expression functions as Feldera runs them (Rust regex semantics on a linear-time
-- engine). Format: test/helpers/sql-corpus.ts.

-- case: RLIKE filters rows; other types are matched as their text
CREATE TABLE logs (id INT, msg VARCHAR, ok BOOLEAN);
INSERT INTO logs VALUES (1, 'error: disk 3 full', TRUE), (2, 'all good', FALSE), (3, 'ERROR: net', NULL), (4, NULL, TRUE);
CREATE VIEW errors AS SELECT id, msg RLIKE '(?i)^error' AS err, RLIKE(ok, '^T') AS t FROM logs WHERE msg NOT RLIKE 'good';
-- expect:
{"id": 1, "err": true, "t": true}
{"id": 3, "err": true, "t": null}

-- case: REGEXP_REPLACE with numbered and named groups in Rust's replacement syntax
CREATE TABLE people (name VARCHAR);
INSERT INTO people VALUES ('Springsteen, Bruce'), ('Lovelace, Ada'), ('Plato');
CREATE VIEW swapped AS SELECT REGEXP_REPLACE(name, '(?<last>[^,\s]+),\s+(?<first>\S+)', '$first $last') AS a,
  REGEXP_REPLACE(name, '([^,\s]+),\s+(\S+)', '${2}_$1') AS b, REGEXP_REPLACE(name, '[aeiou]') AS c FROM people;
-- expect:
{"a": "Bruce Springsteen", "b": "Bruce_Springsteen", "c": "Sprngstn, Brc"}
{"a": "Ada Lovelace", "b": "Ada_Lovelace", "c": "Lvlc, Ad"}
{"a": "Plato", "b": "Plato", "c": "Plt"}

-- case: empty matches are replaced as Rust replaces them
CREATE TABLE dots (s VARCHAR);
INSERT INTO dots VALUES ('baaac'), (''), ('🐍');
CREATE VIEW dotted AS SELECT s, REGEXP_REPLACE(s, 'a*', '-') AS r FROM dots;
-- expect:
{"s": "baaac", "r": "-b-c-"}
{"s": "", "r": "-"}
{"s": "🐍", "r": "-🐍-"}

-- case: a malformed pattern matches nothing and replaces nothing
CREATE TABLE texts (s VARCHAR, p VARCHAR);
INSERT INTO texts VALUES ('a(b', '('), ('abc', 'b');
CREATE VIEW matched AS SELECT s, RLIKE(s, p) AS m, REGEXP_REPLACE(s, p, 'X') AS r FROM texts;
-- expect:
{"s": "a(b", "m": false, "r": "a(b"}
{"s": "abc", "m": true, "r": "aXc"}

-- case: nested quantifiers over a long input (a backtracking engine would not finish)
CREATE TABLE long_text (s VARCHAR);
INSERT INTO long_text VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!');
CREATE VIEW slow AS SELECT s RLIKE '^(a+)+$' AS m, CHAR_LENGTH(REGEXP_REPLACE(s, '(a|aa)+$', '')) AS n FROM long_text;
-- expect:
{"m": false, "n": 154}

-- case: REGEXP_REPLACE of a ROW is an illegal argument
CREATE TABLE rows_t (rw ROW(i1 INT, v1 VARCHAR NULL));
CREATE VIEW bad AS SELECT REGEXP_REPLACE(rw, '[a-z]', 'i') AS r FROM rows_t;
-- expect error
