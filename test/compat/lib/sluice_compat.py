"""What every compatibility scenario shares: the client, unique pipeline names, the object
store of the test run, and a check that says what it expected.

test/compat/sdk.test.ts runs each scenario as `python scenario.py` with:
  FELDERA_HOST           the manager under test (the SDK reads it)
  SLUICE_COMPAT_PREFIX   a prefix no other scenario of this run uses, for pipeline names
  SLUICE_COMPAT_S3       (scenarios marked `# needs: s3`) a JSON SyncConfig for a fresh bucket
A scenario passes when it exits 0; its output is shown when it does not.
"""

import json
import os

from feldera import FelderaClient, PipelineBuilder
from feldera.runtime_config import RuntimeConfig, Storage

PREFIX = os.environ.get("SLUICE_COMPAT_PREFIX", "compat")


def client() -> FelderaClient:
    """A client of the manager under test, exactly as a user makes one."""
    return FelderaClient(os.environ["FELDERA_HOST"])


def name(what: str) -> str:
    """A pipeline name unique to this scenario run."""
    return f"{PREFIX}-{what}"


def sync_config(path: str) -> dict:
    """A SyncConfig for `path` inside the run's bucket (needs `# needs: s3`)."""
    config = dict(json.loads(os.environ["SLUICE_COMPAT_S3"]))
    config["bucket"] = f"{config['bucket']}/{PREFIX}/{path}"
    return config


def storage_with_sync(path: str) -> Storage:
    """File storage whose checkpoints sync to `path` in the run's bucket."""
    return Storage(config={"backend": {"name": "file", "config": {"sync": sync_config(path)}}})


def build(c: FelderaClient, what: str, sql: str, runtime_config: RuntimeConfig | None = None):
    """`PipelineBuilder(...).create_or_replace()` under a unique name; waits for compilation."""
    return PipelineBuilder(
        c, name(what), sql, runtime_config=runtime_config or RuntimeConfig.default()
    ).create_or_replace()


def check(condition: bool, expected: str, got=None) -> None:
    """Fails the scenario with what was expected and what came instead."""
    if not condition:
        raise AssertionError(f"expected {expected}" + ("" if got is None else f", got {got!r}"))


def remove(pipeline) -> None:
    """Stops the pipeline, clears its storage if it is in use, and deletes it."""
    from feldera.enums import StorageStatus

    pipeline.stop(force=True)
    if pipeline.storage_status() != StorageStatus.CLEARED:
        pipeline.clear_storage()
    pipeline.delete()
