# needs: s3
"""Sync through the SDK, the endpoint users asked for first: checkpoint(wait=True), then
sync_checkpoint(wait=True) returns the checkpoint's uuid once it is in the object store, and
last_successful_checkpoint_sync() names it. The SDK's wait loop compares uuids, so they are
UUIDv7 (time-ordered)."""

from uuid import UUID

from feldera.runtime_config import RuntimeConfig
from sluice_compat import build, check, client, remove, storage_with_sync

c = client()
p = build(c, "sync", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');",
          RuntimeConfig(storage=storage_with_sync("sync")))
p.start()
p.input_json("t", [{"id": i} for i in range(100)])
p.checkpoint(wait=True, timeout_s=60)
uuid = p.sync_checkpoint(wait=True, timeout_s=60)
check(UUID(uuid).version == 7, "a UUIDv7 checkpoint uuid", uuid)
check(p.last_successful_checkpoint_sync() == UUID(uuid), "the synced uuid", p.last_successful_checkpoint_sync())
p.input_json("t", {"id": 100})
p.checkpoint(wait=True, timeout_s=60)
second = p.sync_checkpoint(wait=True, timeout_s=60)
check(UUID(second) > UUID(uuid), "a later uuid for a later checkpoint", (uuid, second))
remove(p)
print("ok")
