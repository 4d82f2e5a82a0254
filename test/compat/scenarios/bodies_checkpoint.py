"""Checkpoint through the SDK: checkpoint(wait=True) returns once the checkpoint is written,
and checkpoint_status() reports it. The SDK sends `Content-Type: application/json` with no
body on POST /checkpoint."""

from feldera.enums import CheckpointStatus
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove

c = client()
p = build(c, "ckpt", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');",
          RuntimeConfig(storage=Storage()))
p.start()
p.input_json("t", [{"id": 1}, {"id": 2}])
seq = p.checkpoint(wait=True, timeout_s=60)
check(p.checkpoint_status(seq) == CheckpointStatus.Success, "checkpoint_status Success", p.checkpoint_status(seq))
check(len(p.checkpoints()) >= 1, "the checkpoint listed")
remove(p)
print("ok")
