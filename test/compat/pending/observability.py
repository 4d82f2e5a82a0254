# Pending: proves issue 9, item 10 (Observability).
# Fails today (main f266f0f, 2026-11-30): GET /metrics?format=json answers Prometheus text
#   (content-type "text/plain; version=0.0.4", sluice_* names), so the SDK's JSON decoding raises
#   requests.exceptions.JSONDecodeError "Expecting value: line 1 column 1 (char 0)". Observed
#   separately: GET /v0/pipelines/{name}/events and /v0/cluster/events answered 404; since h/api
#   (2026-11-30) they, /cluster_healthz and /logs answer (test/manager/routes/events.test.ts), and
#   the scenario still fails at its first check, /metrics?format=json (the runtime's metrics work).
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
