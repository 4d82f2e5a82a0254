-- TIMESTAMP values to the nanosecond (issue 9 item 7, issue 10): every digit of the input
-- survives views, arithmetic, functions and casts. Format: test/helpers/sql-corpus.ts.

-- case: nanoseconds survive a view and a literal; a cast to text drops the fraction (Feldera)
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2024-01-02 03:04:05.123456789'), ('2024-01-02 03:04:05.0000000019'), ('1969-12-31 23:59:59.999999999');
CREATE VIEW v AS SELECT ts, CAST(ts AS VARCHAR) AS txt, ts = TIMESTAMP '2024-01-02 03:04:05.123456789' AS is_lit FROM d;
-- expect:
{"ts": "2024-01-02 03:04:05.123456789", "txt": "2024-01-02 03:04:05", "is_lit": true}
{"ts": "2024-01-02 03:04:05.000000001", "txt": "2024-01-02 03:04:05", "is_lit": false}
{"ts": "1969-12-31 23:59:59.999999999", "txt": "1969-12-31 23:59:59", "is_lit": false}

-- case: a fraction prints with 3, 6 or 9 digits, the fewest that show it
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2024-01-02 03:04:05.5'), ('2024-01-02 03:04:06.000120'), ('2024-01-02 03:04:07.0000001'), ('2024-01-02 03:04:08.000000000');
CREATE VIEW v AS SELECT ts FROM d;
-- expect:
{"ts": "2024-01-02 03:04:05.500"}
{"ts": "2024-01-02 03:04:06.000120"}
{"ts": "2024-01-02 03:04:07.000000100"}
{"ts": "2024-01-02 03:04:08"}

-- case: values a nanosecond apart are distinct, ordered and grouped apart
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2024-01-02 03:04:05.000000001'), ('2024-01-02 03:04:05.000000002'), ('2024-01-02 03:04:05.000000002');
CREATE VIEW v AS SELECT COUNT(DISTINCT ts) AS n, MIN(ts) AS lo, MAX(ts) AS hi, MIN(ts) < MAX(ts) AS ordered FROM d;
-- expect:
{"n": 2, "lo": "2024-01-02 03:04:05.000000001", "hi": "2024-01-02 03:04:05.000000002", "ordered": true}

-- case: interval arithmetic keeps the nanoseconds exactly
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2024-01-31 23:59:59.999999999');
CREATE VIEW v AS SELECT ts + INTERVAL '1' SECOND AS plus_s, ts - INTERVAL '0.000001' SECOND AS minus_us, ts + INTERVAL '1' MONTH AS plus_m, ts - INTERVAL '1-1' YEAR TO MONTH AS minus_ym, TIMESTAMPADD(HOUR, 1, ts) AS add_h FROM d;
-- expect:
{"plus_s": "2024-02-01 00:00:00.999999999", "minus_us": "2024-01-31 23:59:59.999998999", "plus_m": "2024-02-29 23:59:59.999999999", "minus_ym": "2022-12-31 23:59:59.999999999", "add_h": "2024-02-01 00:59:59.999999999"}

-- case: differences count whole units of nanoseconds, intervals keep microseconds
CREATE TABLE d (a TIMESTAMP, b TIMESTAMP);
INSERT INTO d VALUES ('2024-01-02 03:04:05.000000999', '2024-01-02 03:04:06.000002000');
CREATE LOCAL VIEW gaps AS SELECT (b - a) SECOND AS s FROM d;
CREATE VIEW v AS SELECT TIMESTAMPDIFF(MICROSECOND, a, b) AS us, TIMESTAMPDIFF(MILLISECOND, a, b) AS ms, TIMESTAMPDIFF(SECOND, a, b) AS s, TIMESTAMPDIFF(MICROSECOND, b, a) AS back, (SELECT CAST(s AS VARCHAR) FROM gaps) AS gap FROM d;
-- expect:
{"us": 1000001, "ms": 1000, "s": 1, "back": -1000001, "gap": "+1.000001"}

-- case: EXTRACT sees every digit
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2024-01-02 03:04:05.123456789');
CREATE VIEW v AS SELECT EXTRACT(SECOND FROM ts) AS s, EXTRACT(MILLISECOND FROM ts) AS ms, EXTRACT(MICROSECOND FROM ts) AS us, EXTRACT(NANOSECOND FROM ts) AS ns, EXTRACT(EPOCH FROM ts) AS epoch FROM d;
-- expect:
{"s": 5, "ms": 5123, "us": 5123456, "ns": 5123456789, "epoch": 1704164645}

-- case: rounding to a unit drops or rounds up the digits below it
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2024-01-02 03:04:05.123456789');
CREATE VIEW v AS SELECT FLOOR(ts TO MICROSECOND) AS f_us, CEIL(ts TO MICROSECOND) AS c_us, FLOOR(ts TO MILLISECOND) AS f_ms, CEIL(ts TO SECOND) AS c_s, TIMESTAMP_TRUNC(ts, SECOND) AS t_s, DATE_TRUNC(ts, DAY) AS t_d FROM d;
-- expect:
{"f_us": "2024-01-02 03:04:05.123456", "c_us": "2024-01-02 03:04:05.123457", "f_ms": "2024-01-02 03:04:05.123", "c_s": "2024-01-02 03:04:06", "t_s": "2024-01-02 03:04:05", "t_d": "2024-01-02 00:00:00"}

-- case: casts to and from other types
CREATE TABLE d (ts TIMESTAMP, s VARCHAR);
INSERT INTO d VALUES ('2024-01-02 03:04:05.123456789', '2024-01-02T03:04:05.987654321Z');
CREATE VIEW v AS SELECT CAST(ts AS TIME) AS tm, CAST(ts AS DATE) AS dt, CAST(ts AS BIGINT) AS ms, CAST(s AS TIMESTAMP) AS parsed, CAST(CAST(ts AS DATE) AS TIMESTAMP) AS midnight FROM d;
-- expect:
{"tm": "03:04:05.123456789", "dt": "2024-01-02", "ms": 1704164645123, "parsed": "2024-01-02 03:04:05.987654321", "midnight": "2024-01-02 00:00:00"}

-- case: formatting, parsing and time zones keep the nanoseconds
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2024-01-02 03:04:05.123456789');
CREATE VIEW v AS SELECT FORMAT_TIMESTAMP('%H:%M:%S%.f', ts) AS shown, FORMAT_TIMESTAMP('%f', ts) AS nanos, PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S%.f', '2024-01-02 03:04:05.000000042') AS parsed, CONVERT_TIMEZONE('UTC', '+02:00', ts) AS shifted FROM d;
-- expect:
{"shown": "03:04:05.123456789", "nanos": "123456789", "parsed": "2024-01-02 03:04:05.000000042", "shifted": "2024-01-02 05:04:05.123456789"}
