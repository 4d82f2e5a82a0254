-- NOW() cases: the time is the step's, so only comparisons with it are stable. Format:
-- test/helpers/sql-corpus.ts (the harness gives each step the current time).

-- case: a temporal filter keeps the rows newer than an hour ago
CREATE TABLE ev (id INT, ts TIMESTAMP);
INSERT INTO ev VALUES (1, TIMESTAMP '2001-01-01 00:00:00'), (2, TIMESTAMP '2999-01-01 00:00:00'), (3, NULL);
CREATE VIEW v AS SELECT id FROM ev WHERE ts > NOW() - INTERVAL 1 HOUR;
-- expect:
{"id": 2}

-- case: NOW() in a projection, an aggregate and HAVING
CREATE TABLE ev (g INT, ts TIMESTAMP);
INSERT INTO ev VALUES (1, TIMESTAMP '2001-01-01 00:00:00'), (1, TIMESTAMP '2002-01-01 00:00:00'), (2, TIMESTAMP '2999-01-01 00:00:00');
CREATE VIEW v AS SELECT g, COUNT(*) FILTER (WHERE ts < NOW()) AS past, NOW() > MAX(ts) AS all_past
  FROM ev GROUP BY g HAVING MIN(ts) < NOW();
-- expect:
{"g": 1, "past": 2, "all_past": true}

-- case: NOW() is one TIMESTAMP for the whole step
CREATE TABLE ev (id INT);
INSERT INTO ev VALUES (1);
CREATE VIEW v AS SELECT NOW() = NOW() AS same, YEAR(NOW()) >= 2024 AS recent, NOW() IS NULL AS missing FROM ev;
-- expect:
{"same": true, "recent": true, "missing": false}
