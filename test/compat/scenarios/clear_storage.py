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
