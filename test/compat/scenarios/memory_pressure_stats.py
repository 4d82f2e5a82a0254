"""Memory pressure through the SDK's stats(): `global_metrics.memory_pressure` is one of
Feldera's MemoryPressure levels and `memory_pressure_epoch` a count, measured against
`max_rss_mb` as Feldera 0.312 does. A limit far below the process's RSS reads `critical` with
the epoch counted; a limit far above it, or none, reads `low` with epoch 0."""

from feldera.runtime_config import RuntimeConfig
from sluice_compat import build, check, client, remove

SQL = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');"
LEVELS = ("low", "moderate", "high", "critical")


def pressure(max_rss_mb):
    """Starts a pipeline under `max_rss_mb` (None: no limit) and reads its /stats via the SDK."""
    config = RuntimeConfig.default().to_dict()
    if max_rss_mb is not None:
        config["max_rss_mb"] = max_rss_mb
    p = build(c, f"mp-{max_rss_mb}", SQL, RuntimeConfig.from_dict(config))
    p.start()
    p.input_json("t", {"id": 1})
    metrics = p.stats().global_metrics
    remove(p)
    level, epoch = getattr(metrics, "memory_pressure", None), getattr(metrics, "memory_pressure_epoch", None)
    check(level in LEVELS, f"a MemoryPressure level under max_rss_mb={max_rss_mb}", level)
    check(isinstance(epoch, int) and epoch >= 0, "a count for memory_pressure_epoch", epoch)
    return level, epoch


c = client()
# No pipeline process fits in 1 MiB: its RSS is at least 95% of it from the first sample.
level, epoch = pressure(1)
check(level == "critical", "critical under max_rss_mb=1", level)
check(epoch >= 1, "the rise to critical counted", epoch)
# A mebibyte short of a tebibyte: nothing here comes near it.
check(pressure(1024 * 1024 - 1) == ("low", 0), "low, epoch 0, far below the limit")
check(pressure(None) == ("low", 0), "low, epoch 0, without a limit")
print("ok")
