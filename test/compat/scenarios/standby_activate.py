# needs: s3
"""Standby and activation through the SDK: a second pipeline started with start_standby()
follows the object store of the first; activate(wait=True) pulls the newest checkpoint and
runs from it, with the state of the last sync (not an older one)."""

from feldera.enums import PipelineStatus
from feldera.runtime_config import RuntimeConfig
from sluice_compat import build, check, client, remove, storage_with_sync

SQL = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');"
c = client()
primary = build(c, "primary", SQL, RuntimeConfig(storage=storage_with_sync("shared")))
primary.start()
primary.input_json("t", [{"id": i} for i in range(10)])
primary.checkpoint(wait=True, timeout_s=60)
primary.sync_checkpoint(wait=True, timeout_s=60)

standby = build(c, "standby", SQL, RuntimeConfig(storage=storage_with_sync("shared")))
standby.start_standby(timeout_s=60)
check(standby.status() == PipelineStatus.STANDBY, "standby", standby.status())

primary.input_json("t", [{"id": i} for i in range(10, 20)])
primary.checkpoint(wait=True, timeout_s=60)
primary.sync_checkpoint(wait=True, timeout_s=60)

standby.activate(timeout_s=60)
check(standby.status() == PipelineStatus.RUNNING, "running after activate", standby.status())
rows = list(standby.query("SELECT COUNT(*) AS n FROM t"))
check(rows == [{"n": 20}], "the newest synced state", rows)
remove(standby)
remove(primary)
print("ok")
