-- Date, time, timestamp and interval cases, written from Feldera's SQL reference (datetime.md)
-- and the behaviour its runtime tests show. Format: test/helpers/sql-corpus.ts.

-- case: timestamp differences as single-field intervals, through a local view
CREATE TABLE trips (id INT, start_ts TIMESTAMP, end_ts TIMESTAMP);
INSERT INTO trips VALUES (1, '2023-03-10 06:15:00', '2021-01-02 22:05:00'), (2, '2022-08-01 00:00:00', '2024-05-20 12:30:00');
CREATE LOCAL VIEW gaps AS SELECT id, (start_ts - end_ts) SECOND AS s, (start_ts - end_ts) HOUR AS h, (start_ts - end_ts) DAY AS d, (start_ts - end_ts) MONTH AS m, (start_ts - end_ts) YEAR AS y FROM trips;
CREATE VIEW v AS SELECT id, CAST(s AS VARCHAR) AS s, CAST(h AS VARCHAR) AS h, CAST(d AS VARCHAR) AS d, CAST(m AS VARCHAR) AS m, CAST(y AS VARCHAR) AS y FROM gaps;
-- expect:
{"id": 1, "s": "+68803800.000000", "h": "+19112", "d": "+796", "m": "+26", "y": "+2"}
{"id": 2, "s": "-56896200.000000", "h": "-15804", "d": "-658", "m": "-21", "y": "-1"}

-- case: multi-field differences print every field of the qualifier
CREATE TABLE trips (id INT, start_ts TIMESTAMP, end_ts TIMESTAMP);
INSERT INTO trips VALUES (1, '2023-03-10 06:15:00', '2021-01-02 22:05:00');
CREATE LOCAL VIEW gaps AS SELECT id, (start_ts - end_ts) YEAR TO MONTH AS ym, (start_ts - end_ts) DAY TO MINUTE AS dm, (start_ts - end_ts) DAY TO SECOND AS ds, (start_ts - end_ts) HOUR TO SECOND AS hs, (start_ts - end_ts) MINUTE TO SECOND AS ms FROM trips;
CREATE VIEW v AS SELECT CAST(ym AS VARCHAR) AS ym, CAST(dm AS VARCHAR) AS dm, CAST(ds AS VARCHAR) AS ds, CAST(hs AS VARCHAR) AS hs, CAST(ms AS VARCHAR) AS ms, CAST(ds - INTERVAL '4 08:10:00' DAY TO SECOND AS VARCHAR) AS shifted FROM gaps;
-- expect:
{"ym": "+2-02", "dm": "+796 08:10", "ds": "+796 08:10:00", "hs": "+19112:10:00.000000", "ms": "+1146730:00.000000", "shifted": "+792 00:00:00.000000"}

-- case: timestamps move by the intervals of a local view
CREATE TABLE trips (id INT, start_ts TIMESTAMP, end_ts TIMESTAMP);
INSERT INTO trips VALUES (1, '2023-03-10 06:15:00', '2021-01-02 22:05:00');
CREATE LOCAL VIEW gaps AS SELECT id, (start_ts - end_ts) MINUTE AS mi, (start_ts - end_ts) MONTH AS mo FROM trips;
CREATE VIEW v AS SELECT t.end_ts + g.mi AS back_to_start, t.start_ts - g.mo AS months_back, t.end_ts + g.mo AS months_on FROM gaps g JOIN trips t ON g.id = t.id;
-- expect:
{"back_to_start": "2023-03-10 06:15:00", "months_back": "2021-01-10 06:15:00", "months_on": "2023-03-02 22:05:00"}

-- case: intervals read from strings and numbers
CREATE TABLE s (h VARCHAR, n INT);
INSERT INTO s VALUES ('+12', 3), ('-5', -2);
CREATE VIEW v AS SELECT TIMESTAMP '2020-01-01 00:00:00' + INTERVAL h HOUR AS by_text, DATE '2020-01-31' + INTERVAL n MONTH AS by_number FROM s;
-- expect:
{"by_text": "2020-01-01 12:00:00", "by_number": "2020-04-30"}
{"by_text": "2019-12-31 19:00:00", "by_number": "2019-11-30"}

-- case: dates move by whole days of a short interval
CREATE TABLE d (x DATE);
INSERT INTO d VALUES ('2024-03-01');
CREATE VIEW v AS SELECT x - INTERVAL '25' HOUR AS minus_hours, x + INTERVAL '47:59' HOUR TO MINUTE AS plus_hm, DATE_ADD(x, INTERVAL '1' YEAR) AS next_year FROM d;
-- expect:
{"minus_hours": "2024-02-29", "plus_hm": "2024-03-02", "next_year": "2025-03-01"}

-- case: times wrap around midnight
CREATE TABLE d (x TIME);
INSERT INTO d VALUES ('22:30:00');
CREATE VIEW v AS SELECT x + INTERVAL '3' HOUR AS later, x - INTERVAL '23' HOUR AS earlier, x + INTERVAL '5' YEAR AS same, TIMESTAMPADD(MINUTE, 95, x) AS added FROM d;
-- expect:
{"later": "01:30:00", "earlier": "23:30:00", "same": "22:30:00", "added": "00:05:00"}

-- case: TIMESTAMPDIFF counts whole calendar units
CREATE TABLE d (a TIMESTAMP, b TIMESTAMP);
INSERT INTO d VALUES ('2021-01-31 12:00:00', '2021-03-31 11:59:59'), ('2020-02-29 00:00:00', '2024-02-28 23:00:00');
CREATE VIEW v AS SELECT TIMESTAMPDIFF(MONTH, a, b) AS months, TIMESTAMPDIFF(YEAR, a, b) AS years, TIMESTAMPDIFF(DAY, a, b) AS days, TIMESTAMPDIFF(WEEK, b, a) AS weeks FROM d;
-- expect:
{"months": 1, "years": 0, "days": 58, "weeks": -8}
{"months": 47, "years": 3, "days": 1460, "weeks": -208}

-- case: rounding timestamps to units
CREATE TABLE d (ts TIMESTAMP);
INSERT INTO d VALUES ('2023-08-17 13:47:29.250');
CREATE VIEW v AS SELECT FLOOR(ts TO HOUR) AS fh, CEIL(ts TO HOUR) AS ch, CEIL(ts TO YEAR) AS cy, DATE_TRUNC(ts, QUARTER) AS dq, TIMESTAMP_TRUNC(ts, SECOND) AS ts_s, FLOOR(CAST(ts AS DATE) TO MONTH) AS dm FROM d;
-- expect:
{"fh": "2023-08-17 13:00:00", "ch": "2023-08-17 14:00:00", "cy": "2024-01-01 00:00:00", "dq": "2023-07-01 00:00:00", "ts_s": "2023-08-17 13:47:29", "dm": "2023-08-01"}

-- case: EXTRACT and its shorthands
CREATE TABLE d (ts TIMESTAMP, t TIME);
INSERT INTO d VALUES ('2023-08-17 13:47:29.250', '07:08:09.5');
CREATE VIEW v AS SELECT EXTRACT(ISODOW FROM ts) AS isodow, DAYOFWEEK(ts) AS dow, EXTRACT(WEEK FROM ts) AS wk, EXTRACT(MILLISECOND FROM ts) AS ms, MINUTE(t) AS mi, EXTRACT(MICROSECOND FROM t) AS us, DATE_PART(DOY, ts) AS doy FROM d;
-- expect:
{"isodow": 4, "dow": 5, "wk": 33, "ms": 29250, "mi": 8, "us": 9500000, "doy": 229}

-- case: building, formatting and parsing values
CREATE TABLE d (y INT, s VARCHAR);
INSERT INTO d VALUES (2024, '17.08.2023 13:47');
CREATE VIEW v AS SELECT MAKE_DATE(y, 2, 29) AS leap, MAKE_DATE(y - 1, 2, 29) AS not_leap, FORMAT_DATE('%d %b %Y', MAKE_DATE(y, 7, 4)) AS shown, PARSE_TIMESTAMP('%d.%m.%Y %H:%M', s) AS parsed, PARSE_DATE('%Y', s) AS unparsed FROM d;
-- expect:
{"leap": "2024-02-29", "not_leap": null, "shown": "04 Jul 2024", "parsed": "2023-08-17 13:47:00", "unparsed": null}

-- case: period predicates over columns, with either end first
CREATE TABLE bookings (id INT, a DATE, b DATE);
INSERT INTO bookings VALUES (1, '2024-05-01', '2024-05-05'), (2, '2024-05-09', '2024-05-04'), (3, '2024-05-06', '2024-05-08');
CREATE VIEW v AS SELECT id, (a, b) OVERLAPS (DATE '2024-05-05', DATE '2024-05-06') AS overlaps, (a, b) CONTAINS DATE '2024-05-04' AS has_4th, (a, b) PRECEDES (DATE '2024-05-06', INTERVAL '2' DAY) AS before FROM bookings;
-- expect:
{"id": 1, "overlaps": true, "has_4th": true, "before": true}
{"id": 2, "overlaps": true, "has_4th": true, "before": false}
{"id": 3, "overlaps": true, "has_4th": false, "before": false}

-- case: tables cannot have interval columns
CREATE TABLE d (i INTERVAL DAY);
CREATE VIEW v AS SELECT * FROM d;
-- expect error

-- case: a TIMESTAMPDIFF too large for an INTEGER fails at run time
CREATE TABLE d (a TIMESTAMP, b TIMESTAMP);
INSERT INTO d VALUES ('1950-01-01 00:00:00', '2030-01-01 00:00:00');
CREATE VIEW v AS SELECT TIMESTAMPDIFF(SECOND, a, b) AS s FROM d;
-- expect error
