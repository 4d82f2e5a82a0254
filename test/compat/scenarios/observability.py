"""Observability endpoints Feldera's clients call: /metrics?format=json answers JSON with
Feldera's metric names, pipeline events and cluster events list, and /cluster_healthz answers."""

import json

from sluice_compat import build, check, client, remove

c = client()
p = build(c, "observe", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);")
p.start()
p.input_json("t", {"id": 1})
metrics = c.http.get(f"/pipelines/{p.name}/metrics", params={"format": "json"})
text = metrics if isinstance(metrics, str) else json.dumps(metrics)
check(not isinstance(metrics, str), "JSON metrics", text[:200])
check("records_processed_total" in text, "Feldera's metric names", text[:200])
check(isinstance(p.events(), list), "pipeline events")
check(isinstance(c.get_cluster_events(), list), "cluster events")
health = c.http.get("/cluster_healthz")
check("all_healthy" in health, "a cluster health answer", health)
remove(p)
print("ok")
