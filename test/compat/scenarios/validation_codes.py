"""Feldera's error codes for refused actions, which clients match on: /start after a failed
compile → CannotStartWithCompilationError; start_standby() without a sync configuration →
InitialStandbyNotAllowed; a name over Feldera's limit → TooLongName; an invalid runtime config
→ InvalidRuntimeConfig; editing `workers` while storage is in use → EditRestrictedToClearedStorage."""

from feldera import PipelineBuilder
from feldera.rest.errors import FelderaAPIError
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, name, remove

c = client()


def refused(code, action):
    try:
        action()
    except FelderaAPIError as err:
        check(err.error_code == code, code, f"{err.status_code} {err.error_code}: {err.message}")
        return
    raise AssertionError(f"expected {code}, the action succeeded")


def build_broken():
    try:
        build(c, "broken", "CREATE TABLE t (id INT);\nCREATE VIEW v AS SELEC id FROM t;")
    except RuntimeError:
        pass
    from feldera import Pipeline

    return Pipeline.get(name("broken"), c)


broken = build_broken()
refused("CannotStartWithCompilationError", lambda: broken.start(timeout_s=30))
broken.delete()

p = build(c, "standby", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);", RuntimeConfig(storage=Storage()))
refused("InitialStandbyNotAllowed", lambda: p.start_standby(timeout_s=30))
p.stop(force=True)

refused("TooLongName", lambda: PipelineBuilder(c, "x" * 200, "CREATE TABLE t (id INT);").create())
refused("InvalidRuntimeConfig", lambda: c.patch_pipeline(p.name, runtime_config={"workers": 0}))

p.start()
p.input_json("t", {"id": 1})
p.stop(force=False)
refused("EditRestrictedToClearedStorage", lambda: p.set_runtime_config(RuntimeConfig(workers=2, storage=Storage())))
remove(p)
print("ok")
