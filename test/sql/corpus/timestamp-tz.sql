-- TIMESTAMP WITH TIME ZONE (Feldera 0.312's TIMESTAMP_TZ, reference datetime.md): an instant
-- kept in UTC, the zone dropped. Sluice computes it inside queries and refuses it where its
-- text form would show (tables, output views). Format: test/helpers/sql-corpus.ts.

-- case: a literal in a zone is the instant; as a TIMESTAMP it is the UTC time
CREATE TABLE d (k INT);
INSERT INTO d VALUES (1);
CREATE VIEW v AS SELECT CAST(TIMESTAMP WITH TIME ZONE '2008-03-05 12:25:29 America/New_York' AS TIMESTAMP) AS ny, CAST(TIMESTAMP WITH TIME ZONE '2008-03-05 12:25:29 +08:00' AS TIMESTAMP) AS plus8, CAST(TIMESTAMP WITH TIME ZONE '2008-03-05 12:25:29.250 UTC' AS TIMESTAMP) AS utc FROM d;
-- expect:
{"ny": "2008-03-05 17:25:29", "plus8": "2008-03-05 04:25:29", "utc": "2008-03-05 12:25:29.250"}

-- case: the same instant as CONVERT_TIMEZONE of the reference's example gives
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2008-03-05 12:25:29');
CREATE VIEW v AS SELECT CAST(TIMESTAMP WITH TIME ZONE '2008-03-05 12:25:29 America/New_York' AS TIMESTAMP) = CONVERT_TIMEZONE('America/New_York', 'UTC', ts) AS same, CONVERT_TIMEZONE('America/New_York', 'America/Los_Angeles', ts) AS la FROM d;
-- expect:
{"same": true, "la": "2008-03-05 09:25:29"}

-- case: instants written in different zones compare equal, order by time
CREATE TABLE d (k INT);
INSERT INTO d VALUES (1);
CREATE VIEW v AS SELECT TIMESTAMP WITH TIME ZONE '2024-06-01 12:00:00 Europe/Paris' = TIMESTAMP WITH TIME ZONE '2024-06-01 06:00:00 America/New_York' AS eq, TIMESTAMP WITH TIME ZONE '2024-06-01 12:00:00 Asia/Kolkata' < TIMESTAMP WITH TIME ZONE '2024-06-01 12:00:00 Europe/London' AS lt FROM d;
-- expect:
{"eq": true, "lt": true}

-- case: a column cast to it filters, groups and aggregates by instant
CREATE TABLE d (k INT, ts TIMESTAMP);
INSERT INTO d VALUES (1, '2024-06-01 09:59:59'), (1, '2024-06-01 10:00:00'), (2, '2024-06-01 11:00:00'), (2, '2024-06-01 12:00:00');
CREATE LOCAL VIEW i AS SELECT k, CAST(ts AS TIMESTAMP WITH TIME ZONE) AS at FROM d;
CREATE VIEW v AS SELECT k, COUNT(*) AS n, CAST(MIN(at) AS TIMESTAMP) AS first_at FROM i WHERE at >= TIMESTAMP WITH TIME ZONE '2024-06-01 12:00:00 Europe/Paris' GROUP BY k;
-- expect:
{"k": 1, "n": 1, "first_at": "2024-06-01 10:00:00"}
{"k": 2, "n": 2, "first_at": "2024-06-01 11:00:00"}

-- case: EXTRACT, FLOOR and interval arithmetic work on the UTC time
CREATE TABLE d (k INT);
INSERT INTO d VALUES (1);
CREATE VIEW v AS SELECT HOUR(TIMESTAMP WITH TIME ZONE '2024-12-31 22:00:00 America/Chicago') AS h, YEAR(TIMESTAMP WITH TIME ZONE '2024-12-31 22:00:00 America/Chicago') AS y, CAST(FLOOR(TIMESTAMP WITH TIME ZONE '2024-12-31 22:00:00 America/Chicago' TO MONTH) AS TIMESTAMP) AS m, CAST(TIMESTAMP WITH TIME ZONE '2024-12-31 22:00:00 America/Chicago' + INTERVAL '1' DAY AS DATE) AS next_day FROM d;
-- expect:
{"h": 4, "y": 2025, "m": "2025-01-01 00:00:00", "next_day": "2025-01-02"}

-- case: a view column of the type is refused (its output form in Feldera 0.312 is not known)
CREATE TABLE d (ts TIMESTAMP);
CREATE VIEW v AS SELECT CAST(ts AS TIMESTAMP WITH TIME ZONE) AS at FROM d;
-- expect:

-- case: a cast of it to VARCHAR is refused (its text form is not known)
CREATE TABLE d (k INT);
CREATE VIEW v AS SELECT CAST(TIMESTAMP WITH TIME ZONE '2024-06-01 12:00:00 UTC' AS VARCHAR) AS s FROM d;
-- expect:
