"""Completion and statistics through the SDK: input_json returns a completion token that
wait_for_token and completion_token_status read; stats() parses into PipelineStatistics with
the input counted, and the raw /stats object has exactly the four top-level keys a running
Feldera 0.312 pipeline sends; wait_for_idle() returns once input and processed counts agree."""

from feldera.enums import CompletionTokenStatus
from sluice_compat import build, check, client, remove

SQL = """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW big AS SELECT id, v FROM t WHERE v > 10;
"""

c = client()
p = build(c, "tokens", SQL)
p.start()
token = p.input_json("t", [{"id": 1, "v": 5}, {"id": 2, "v": 50}, {"id": 3, "v": 500}], wait=False)
check(isinstance(token, str) and len(token) > 0, "a completion token", token)
p.wait_for_token(token)
check(p.completion_token_status(token) == CompletionTokenStatus.COMPLETE, "the token complete")
check(list(p.query("SELECT id FROM big ORDER BY id")) == [{"id": 2}, {"id": 3}], "the rows processed")

stats = p.stats()
check(stats.global_metrics.total_input_records == 3, "3 input records", stats.global_metrics.total_input_records)
check(stats.global_metrics.total_processed_records == 3, "3 processed", stats.global_metrics.total_processed_records)
raw = c.http.get(f"/pipelines/{p.name}/stats")
keys = sorted(raw.keys())
check(keys == ["global_metrics", "inputs", "outputs", "suspend_error"], "Feldera's /stats keys", keys)
p.wait_for_idle(idle_interval_s=0.5, timeout_s=30)
remove(p)
print("ok")
