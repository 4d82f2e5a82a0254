# needs: s3
"""A standby pinned to a checkpoint uuid (`start_from_checkpoint: <uuid>`) activates THAT
checkpoint, even after the primary has pushed newer ones (Feldera 0.312; issue 9). 'latest'
is covered by standby_activate.py."""

from feldera.enums import PipelineStatus
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove, storage_with_sync, sync_config

SQL = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');"
c = client()
primary = build(c, "primary", SQL, RuntimeConfig(storage=storage_with_sync("shared")))
primary.start()
primary.input_json("t", [{"id": i} for i in range(10)])
primary.checkpoint(wait=True, timeout_s=60)
pinned = primary.sync_checkpoint(wait=True, timeout_s=60)

sync = {**sync_config("shared"), "start_from_checkpoint": pinned, "pull_interval": 1}
standby = build(
    c,
    "standby",
    SQL,
    RuntimeConfig(storage=Storage(config={"backend": {"name": "file", "config": {"sync": sync}}})),
)
standby.start_standby(timeout_s=60)
check(standby.status() == PipelineStatus.STANDBY, "standby", standby.status())

for batch in range(2):
    primary.input_json("t", [{"id": 100 + 10 * batch + i} for i in range(10)])
    primary.checkpoint(wait=True, timeout_s=60)
    primary.sync_checkpoint(wait=True, timeout_s=60)

standby.activate(timeout_s=60)
check(standby.status() == PipelineStatus.RUNNING, "running after activate", standby.status())
rows = list(standby.query("SELECT COUNT(*) AS n, MAX(id) AS top FROM t"))
check(rows == [{"n": 10, "top": 9}], "the pinned checkpoint's state (ids 0..9)", rows)
remove(standby)
remove(primary)
print("ok")
