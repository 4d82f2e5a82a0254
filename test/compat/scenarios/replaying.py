"""The Replaying status through the SDK: an exactly_once pipeline with storage that is stopped
with force=True after acknowledged input (no checkpoint on the way down) replays its journal at
the next start. The SDK's status() reads PipelineStatus.REPLAYING while it does, then RUNNING,
and never RUNNING before REPLAYING; stats() taken during the replay parses, with Feldera's
PipelineState (the state after the replay, `Running`); once running, a query sees every row that
was acknowledged before the stop."""

import time

from feldera.enums import FaultToleranceModel, PipelineStatus
from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove

SQL = """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_bucket AS SELECT id % 10 AS bucket, COUNT(*) AS n FROM t GROUP BY id % 10;
"""
# Enough input, in small enough steps, that the replay outlasts several status polls.
REQUESTS, ROWS_PER_REQUEST = 3, 20_000

c = client()
config = RuntimeConfig(
    storage=Storage(),
    fault_tolerance_model=FaultToleranceModel.ExactlyOnce,
    checkpoint_interval_secs=None,
    dev_tweaks={"max_batch_size": 1000},
)
p = build(c, "replaying", SQL, config)
p.start()
for r in range(REQUESTS):
    first = r * ROWS_PER_REQUEST
    p.input_json("t", [{"id": i, "v": f"row-{i}"} for i in range(first, first + ROWS_PER_REQUEST)])
p.stop(force=True)

p.start(wait=False)
seen, stats_state = [], None
deadline = time.monotonic() + 120
while True:
    status = p.status()
    if not seen or seen[-1] != status:
        seen.append(status)
    if status == PipelineStatus.REPLAYING and stats_state is None:
        stats_state = p.stats().global_metrics.state
    if status == PipelineStatus.RUNNING:
        break
    check(time.monotonic() < deadline, "RUNNING within 120 s", [s.name for s in seen])
    time.sleep(0.02)

names = [s.name for s in seen]
check(PipelineStatus.REPLAYING in seen, "REPLAYING while the journal replays", names)
check(seen.index(PipelineStatus.RUNNING) == len(seen) - 1, "RUNNING only after REPLAYING", names)
check(stats_state == PipelineStatus.RUNNING, "stats() state during the replay RUNNING", stats_state)
rows = list(p.query("SELECT COUNT(*) AS n FROM t"))
check(rows == [{"n": REQUESTS * ROWS_PER_REQUEST}], "every acknowledged row after the replay", rows)
remove(p)
print("ok")
