"""`storage_status_details.checkpoints` lists a checkpoint as soon as the RUNNING pipeline has
taken it (Feldera 0.312 refreshes it while running, not only at stop), the same uuid
GET /checkpoints lists."""

import time

from feldera.enums import PipelineStatus
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove

c = client()
p = build(c, "details", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');",
          RuntimeConfig(storage=Storage()))
p.start()
p.input_json("t", {"id": 1})
p.checkpoint(wait=True, timeout_s=60)
listed = [cp["uuid"] for cp in c.http.get(f"/pipelines/{p.name}/checkpoints")]
check(len(listed) == 1, "one checkpoint in /checkpoints", listed)
deadline = time.monotonic() + 10
while True:
    details = c.http.get(f"/pipelines/{p.name}")["storage_status_details"]
    shown = [cp["uuid"] for cp in details["checkpoints"]]
    if shown or time.monotonic() > deadline:
        break
    time.sleep(0.2)
check(shown == listed, "storage_status_details to list the checkpoint while running", details)
check(p.status() == PipelineStatus.RUNNING, "still running", p.status())
remove(p)
print("ok")
