"""Suspend and resume through the SDK: a pipeline with storage stopped with force=False takes
a checkpoint on the way down, and the next start() resumes from it with its state."""

from feldera.enums import PipelineStatus, StorageStatus
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove

SQL = """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW total AS SELECT SUM(v) AS s FROM t;
"""

c = client()
p = build(c, "suspend", SQL, RuntimeConfig(storage=Storage()))
p.start()
p.input_json("t", [{"id": i, "v": i} for i in range(1, 101)])
p.stop(force=False)
check(p.status() == PipelineStatus.STOPPED, "stop(force=False) to wait until stopped", p.status())
check(p.storage_status() == StorageStatus.INUSE, "storage in use after a suspend", p.storage_status())

p.start()
rows = list(p.query("SELECT s FROM total"))
check(rows == [{"s": 5050}], "the state from before the suspend", rows)
p.input_json("t", {"id": 101, "v": 1})
rows = list(p.query("SELECT s FROM total"))
check(rows == [{"s": 5051}], "new rows on top of it", rows)
check(len(p.checkpoints()) >= 1, "the suspend's checkpoint listed", p.checkpoints())
remove(p)
print("ok")
