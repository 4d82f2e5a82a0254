"""Changing a stopped pipeline through the SDK: modify(sql=...) recompiles, set_runtime_config
replaces the runtime configuration, and the new program runs."""

from feldera.enums import ProgramStatus
from feldera.runtime_config import RuntimeConfig
from sluice_compat import build, check, client, remove

c = client()
p = build(c, "modify", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');")
p.modify(sql="CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT) WITH ('materialized' = 'true');\n"
         "CREATE MATERIALIZED VIEW vs AS SELECT v FROM t;")
c._wait_for_compilation(p.name)
check(p.program_status() == ProgramStatus.Success, "the new program to compile", p.program_status())
check("vs" in [v.name for v in p.views()], "the new view in program_info", [v.name for v in p.views()])

p.set_runtime_config(RuntimeConfig(workers=3))
check(p.runtime_config().workers == 3, "the new runtime config", p.runtime_config().__dict__)

p.start()
p.input_json("t", {"id": 1, "v": 7})
check(list(p.query("SELECT v FROM vs")) == [{"v": 7}], "the new view to run")
remove(p)
print("ok")
