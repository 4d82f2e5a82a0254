# needs: s3
"""Object-store sync without a sync request, through the SDK: with automatic checkpoints and
`push_interval`, a pipeline pushes its checkpoints on its own and
last_successful_checkpoint_sync() reports the periodic push; a second pipeline on the same
store started with start_standby() and then activate() runs from that state."""

import time
from uuid import UUID

from feldera.enums import FaultToleranceModel, PipelineStatus
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove, sync_config

SQL = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');"


def runtime_config() -> RuntimeConfig:
    sync = dict(sync_config("periodic"), push_interval=1)
    return RuntimeConfig(
        storage=Storage(config={"backend": {"name": "file", "config": {"sync": sync}}}),
        fault_tolerance_model=FaultToleranceModel.AtLeastOnce,
        checkpoint_interval_secs=1,
    )


c = client()
primary = build(c, "primary", SQL, runtime_config())
primary.start()
primary.input_json("t", [{"id": i} for i in range(25)])
synced = None
for _ in range(120):
    try:
        synced = primary.last_successful_checkpoint_sync()
        break
    except RuntimeError:
        time.sleep(0.5)
check(isinstance(synced, UUID), "a periodic push within a minute", synced)

standby = build(c, "standby", SQL, runtime_config())
standby.start_standby(timeout_s=60)
check(standby.status() == PipelineStatus.STANDBY, "standby", standby.status())
standby.activate(timeout_s=60)
check(standby.status() == PipelineStatus.RUNNING, "running after activate", standby.status())
rows = list(standby.query("SELECT COUNT(*) AS n FROM t"))
check(rows == [{"n": 25}], "the pushed state", rows)
remove(standby)
remove(primary)
print("ok")
