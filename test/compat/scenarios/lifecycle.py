"""The everyday lifecycle through the SDK: create_or_replace (compiling), start, push JSON rows
(a list and a single row), query, pause and resume, stop, clear storage, delete; and the
pipeline as Pipeline.get / Pipeline.all / status() report it along the way."""

from feldera import Pipeline
from feldera.enums import PipelineStatus, ProgramStatus, StorageStatus
from sluice_compat import build, check, client, name

SQL = """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW doubled AS SELECT id, v * 2 AS v2 FROM t;
"""

c = client()
p = build(c, "life", SQL)
check(p.program_status() == ProgramStatus.Success, "the program to compile", p.program_status())
check(p.status() == PipelineStatus.STOPPED, "a new pipeline to be stopped", p.status())
check(name("life") in [x.name for x in Pipeline.all(c)], "Pipeline.all to list it")

p.start()
check(p.status() == PipelineStatus.RUNNING, "start() to wait until running", p.status())
p.input_json("t", [{"id": 1, "v": 10}, {"id": 2, "v": 20}])
p.input_json("t", {"id": 3, "v": 30})
rows = list(p.query("SELECT id, v2 FROM doubled ORDER BY id"))
check(rows == [{"id": 1, "v2": 20}, {"id": 2, "v2": 40}, {"id": 3, "v2": 60}], "the pushed rows in the view", rows)
text = "\n".join(p.query_tabular("SELECT COUNT(*) AS n FROM t"))
check("| 3 " in text, "a text table with the count", text)

p.pause()
check(p.status() == PipelineStatus.PAUSED, "pause() to wait until paused", p.status())
p.input_json("t", {"id": 4, "v": 40}, force=True, wait=False)
p.resume()
check(p.status() == PipelineStatus.RUNNING, "resume() to wait until running", p.status())

same = Pipeline.get(name("life"), c)
check(same.program_code().strip() == SQL.strip(), "Pipeline.get to return the program", same.program_code())

p.stop(force=True)
check(p.status() == PipelineStatus.STOPPED, "stop(force=True) to wait until stopped", p.status())
p.clear_storage()
check(p.storage_status() == StorageStatus.CLEARED, "clear_storage() to wait until cleared", p.storage_status())
p.delete()
check(p.status() == PipelineStatus.NOT_FOUND, "the pipeline to be gone", p.status())
print("ok")
