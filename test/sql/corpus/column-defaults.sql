-- Column DEFAULT values (docs/sql.md, "Column DEFAULT values"): JSON records that omit a
-- column get its default; the default is computed when the program compiles.

-- case: omitted columns take their defaults, given ones (null included) keep their values
CREATE TABLE orders (id INT NOT NULL, qty INT DEFAULT 2 * 3, unit VARCHAR NOT NULL DEFAULT 'pcs', price DECIMAL(6, 2) DEFAULT 9.999, memo VARCHAR);
-- input orders: {"insert": {"id": 1}}
-- input orders: {"insert": {"id": 2, "qty": null, "unit": "kg"}}
-- input orders: {"insert": {"id": 3, "price": 1.5, "memo": "rush"}}
CREATE VIEW v AS SELECT id, qty, unit, price, memo FROM orders;
-- expect:
{"id": 1, "qty": 6, "unit": "pcs", "price": 10.00, "memo": null}
{"id": 2, "qty": null, "unit": "kg", "price": 10.00, "memo": null}
{"id": 3, "qty": 6, "unit": "pcs", "price": 1.50, "memo": "rush"}

-- case: a default reaches aggregates like any ingested value
CREATE TABLE readings (sensor VARCHAR NOT NULL DEFAULT 'main', val DOUBLE DEFAULT 0.5);
-- input readings: {"insert": {}}
-- input readings: {"insert": {"val": 2}}
-- input readings: {"insert": {"sensor": "aux"}}
CREATE VIEW v AS SELECT sensor, SUM(val) AS total, COUNT(*) AS n FROM readings GROUP BY sensor;
-- expect:
{"sensor": "main", "total": 2.5, "n": 2}
{"sensor": "aux", "total": 0.5, "n": 1}

-- case: CONNECTOR_METADATA() in a default is NULL for records that come through HTTP ingress
CREATE TABLE msgs (body VARCHAR, topic VARCHAR DEFAULT CAST(CONNECTOR_METADATA()['kafka_topic'] AS VARCHAR), meta VARIANT DEFAULT CONNECTOR_METADATA());
-- input msgs: {"insert": {"body": "hi"}}
CREATE VIEW v AS SELECT body, topic, meta IS NULL AS no_meta FROM msgs;
-- expect:
{"body": "hi", "topic": null, "no_meta": true}

-- case: NOW() in a default is refused
CREATE TABLE stamped (id INT, at TIMESTAMP DEFAULT NOW());
CREATE VIEW v AS SELECT id FROM stamped;
-- expect error
