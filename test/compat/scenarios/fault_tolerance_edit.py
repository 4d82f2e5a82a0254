"""Changing the fault-tolerance model through the SDK, as Feldera 0.312 answers it: while the
pipeline's storage is in use, set_runtime_config with another `fault_tolerance` is refused with
EditRestrictedToClearedStorage naming `runtime_config.fault_tolerance` (the journal of
acknowledged input belongs to the model that wrote it), and the stored config is unchanged;
once clear_storage() has run, the same edit is accepted."""

from feldera.enums import FaultToleranceModel, StorageStatus
from feldera.rest.errors import FelderaAPIError
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove

SQL = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');"


def config(model: FaultToleranceModel) -> RuntimeConfig:
    return RuntimeConfig(storage=Storage(), fault_tolerance_model=model, checkpoint_interval_secs=60)


c = client()
p = build(c, "ft-edit", SQL, config(FaultToleranceModel.AtLeastOnce))
p.start()
p.input_json("t", [{"id": 1}, {"id": 2}])
p.stop(force=False)
check(p.storage_status() == StorageStatus.INUSE, "storage in use after a suspend", p.storage_status())

try:
    p.set_runtime_config(config(FaultToleranceModel.ExactlyOnce))
    raise AssertionError("a fault_tolerance edit with storage in use to be refused")
except FelderaAPIError as err:
    check(err.status_code == 400, "400", err.status_code)
    check(err.error_code == "EditRestrictedToClearedStorage", "EditRestrictedToClearedStorage", err.error_code)
    check(err.details == {"not_allowed": ["`runtime_config.fault_tolerance`"]}, "only fault_tolerance named", err.details)
model = p.runtime_config().fault_tolerance["model"]
check(model == "at_least_once", "the stored model unchanged", model)

# The same model again is no change, so it is accepted with storage in use.
p.set_runtime_config(config(FaultToleranceModel.AtLeastOnce))

p.clear_storage()
check(p.storage_status() == StorageStatus.CLEARED, "storage cleared", p.storage_status())
p.set_runtime_config(config(FaultToleranceModel.ExactlyOnce))
model = p.runtime_config().fault_tolerance["model"]
check(model == "exactly_once", "the new model once storage is cleared", model)
p.start()
p.input_json("t", {"id": 3})
rows = list(p.query("SELECT COUNT(*) AS n FROM t"))
check(rows == [{"n": 1}], "a fresh start after clearing", rows)
remove(p)
print("ok")
