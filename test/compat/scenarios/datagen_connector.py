"""Connectors declared in SQL run: a `datagen` input connector (Feldera's generator) fills its
table, wait_for_completion() returns when it is done, and input_connector_stats() answers for
it by its endpoint name."""

from sluice_compat import build, check, client, remove

SQL = """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT) WITH (
  'materialized' = 'true',
  'connectors' = '[{"name": "gen", "transport": {"name": "datagen", "config": {"plan": [{"limit": 100}]}}}]'
);
"""
c = client()
p = build(c, "datagen", SQL)
p.start()
p.wait_for_completion(timeout_s=60)
check(list(p.query("SELECT COUNT(*) AS n FROM t")) == [{"n": 100}], "100 generated rows")
stats = p.input_connector_stats("t", "gen")
check(stats is not None, "stats of the connector")
remove(p)
print("ok")
