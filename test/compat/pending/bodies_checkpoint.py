# Pending: proves issue 9, item 1 (Bodies).
# Fails today (main f266f0f, 2026-11-30): checkpoint(wait=True) raises FelderaAPIError 400
#   InvalidJson: "Request body is not valid JSON: Body cannot be empty when content-type is set to
#   'application/json'" (POST /checkpoint with the SDK's Content-Type and no body).
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
