-- Calcite's BigQuery DATE, TIME and TIMESTAMP functions as Feldera 0.312 compiles them: DATE(string)
-- is its runtime's cast of text to DATE (a failed read fails the step); the other forms are not
-- translated by its compiler. Format: test/helpers/sql-corpus.ts.

-- case: DATE of VARCHAR columns and literals
CREATE TABLE events (id INT, day_text VARCHAR, fixed CHAR(10) NOT NULL);
INSERT INTO events VALUES (1, '2024-02-29', '2023-12-31'), (2, NULL, '1999-01-01'), (3, '2020-1-5', '0001-01-01');
CREATE VIEW v AS SELECT id, DATE(day_text) AS d, DATE(fixed) AS f, DATE('2020-06-21') AS lit FROM events;
-- expect:
{"id": 1, "d": "2024-02-29", "f": "2023-12-31", "lit": "2020-06-21"}
{"id": 2, "d": null, "f": "1999-01-01", "lit": "2020-06-21"}
{"id": 3, "d": "2020-01-05", "f": "0001-01-01", "lit": "2020-06-21"}

-- case: DATE of text groups, compares and moves like any DATE
CREATE TABLE orders (placed VARCHAR, amount INT);
INSERT INTO orders VALUES ('2023-03-01', 5), (' 2023-03-01', 7), ('2023-03-02', 1);
CREATE VIEW v AS SELECT DATE(placed) AS day, SUM(amount) AS total, DATE(placed) + INTERVAL '1' MONTH AS month_later, DATE(placed) < DATE '2023-03-02' AS early FROM orders GROUP BY DATE(placed);
-- expect:
{"day": "2023-03-01", "total": 12, "month_later": "2023-04-01", "early": true}
{"day": "2023-03-02", "total": 1, "month_later": "2023-04-02", "early": false}

-- case: DATE of a timestamp's text fails the step (trailing input)
CREATE TABLE stamps (ts TIMESTAMP);
INSERT INTO stamps VALUES ('2024-01-15 10:30:00');
CREATE VIEW v AS SELECT DATE(CAST(ts AS VARCHAR)) AS d FROM stamps;
-- expect error

-- case: DATE of a day that is not in the calendar fails the step
CREATE TABLE texts (s VARCHAR NOT NULL);
INSERT INTO texts VALUES ('2023-02-29');
CREATE VIEW v AS SELECT DATE(s) AS d FROM texts;
-- expect error

-- case: DATE of text with a trailing space fails the step
CREATE TABLE texts (s VARCHAR);
INSERT INTO texts VALUES ('2023-02-28 ');
CREATE VIEW v AS SELECT DATE(s) AS d FROM texts;
-- expect error

-- case: SAFE_CAST is the way to NULL for text that is not a date
CREATE TABLE texts (s VARCHAR);
INSERT INTO texts VALUES ('not a date'), ('2023-02-28');
CREATE VIEW v AS SELECT s, SAFE_CAST(s AS DATE) AS d FROM texts WHERE s IS NOT NULL;
-- expect:
{"s": "not a date", "d": null}
{"s": "2023-02-28", "d": "2023-02-28"}

-- case: DATE(year, month, day) is not translated by Feldera's compiler
CREATE TABLE parts (y INT, m INT, d INT);
CREATE VIEW v AS SELECT DATE(y, m, d) AS day FROM parts;
-- expect error

-- case: DATE(timestamp) is not translated by Feldera's compiler
CREATE TABLE stamps (ts TIMESTAMP);
CREATE VIEW v AS SELECT DATE(ts) AS day FROM stamps;
-- expect error

-- case: TIME(hour, minute, second) is not translated by Feldera's compiler
CREATE TABLE parts (h INT, m INT, s INT);
CREATE VIEW v AS SELECT TIME(h, m, s) AS t FROM parts;
-- expect error

-- case: TIMESTAMP(string) gives a TIMESTAMP WITH LOCAL TIME ZONE, which Feldera lacks
CREATE TABLE texts (s VARCHAR);
CREATE VIEW v AS SELECT TIMESTAMP(s) AS ts FROM texts;
-- expect error
