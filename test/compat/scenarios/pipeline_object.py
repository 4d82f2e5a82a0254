"""The pipeline object as Feldera 0.312 returns it, which the SDK reads: `bootstrap_policy` and
`silent_bootstrap` under both selectors (Pipeline.bootstrap_policy() works), `refresh_version`
3 after the first successful compile, and `storage_status_details` {"checkpoints": [...]}
while storage is in use."""

from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove

c = client()
p = build(c, "object", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');",
          RuntimeConfig(storage=Storage()))
for selector in ("all", "status"):
    raw = c.http.get(f"/pipelines/{p.name}?selector={selector}")
    for field in ("bootstrap_policy", "silent_bootstrap"):
        check(field in raw, f"'{field}' with selector={selector}", sorted(raw))
raw = c.http.get(f"/pipelines/{p.name}")
check(raw["refresh_version"] == 3, "refresh_version 3 after the first compile", raw["refresh_version"])
p.bootstrap_policy()

p.start()
p.input_json("t", {"id": 1})
p.stop(force=False)
details = c.http.get(f"/pipelines/{p.name}")["storage_status_details"]
check(isinstance(details, dict) and isinstance(details.get("checkpoints"), list) and details["checkpoints"],
      "storage_status_details {'checkpoints': [...]} while storage is in use", details)
remove(p)
print("ok")
