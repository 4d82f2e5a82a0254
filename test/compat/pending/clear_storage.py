# Pending: proves issue 9, item 3 (POST /clear).
# Fails today (main f266f0f, 2026-11-30): clear_storage() on a pipeline whose storage is already
#   Cleared raises FelderaAPIError 400 InvalidStorageStatusTransition: "Cannot transition from
#   storage status 'cleared' to 'clearing'" (0.312: 202, nothing to do). Observed separately:
#   /clear on a running pipeline answers 400 InvalidStorageStatusTransition "Cannot clear storage
#   while the pipeline is not stopped. Stop it first with '/stop'.", not
#   StorageStatusImmutableUnlessStopped.
"""clear_storage() through the SDK as Feldera 0.312 answers it: clearing storage that is
already cleared is accepted with nothing to do (so the SDK's cleanup works on a pipeline that
never ran), and clearing a pipeline that is not stopped is refused with
StorageStatusImmutableUnlessStopped."""

from feldera.enums import StorageStatus
from feldera.rest.errors import FelderaAPIError
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client

c = client()
p = build(c, "clear", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);", RuntimeConfig(storage=Storage()))
p.clear_storage()
check(p.storage_status() == StorageStatus.CLEARED, "still cleared", p.storage_status())

p.start()
try:
    c.clear_storage(p.name, wait=False)
    raise AssertionError("clearing a running pipeline to be refused")
except FelderaAPIError as err:
    check(err.status_code == 400, "400", err.status_code)
    check(err.error_code == "StorageStatusImmutableUnlessStopped", "StorageStatusImmutableUnlessStopped", err.error_code)
p.stop(force=True)
p.clear_storage()
p.clear_storage()
p.delete()
print("ok")
