"""Diagnostics through the SDK: `start_compaction()` leaves the views as they were and the
pipeline running; `support_bundle()` returns a zip with Feldera's metadata files at its root and
a collection folder holding the circuit profile; with every selector off, only the metadata."""

import io
import zipfile

from feldera.runtime_config import RuntimeConfig, Storage
from sluice_compat import build, check, client, remove

c = client()
p = build(c, "diag", """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW n AS SELECT COUNT(*) AS c FROM t;
""", RuntimeConfig(storage=Storage()))
p.start()
p.input_json("t", [{"id": i} for i in range(50)])
p.wait_for_idle()
p.start_compaction()
check(list(p.query("SELECT c FROM n")) == [{"c": 50}], "the view unchanged after compaction")
check(p.status().name == "RUNNING", "still running after compaction", p.status())

names = zipfile.ZipFile(io.BytesIO(p.support_bundle())).namelist()
check("metadata.json" in names and "metadata.txt" in names, "metadata at the root", names)
check(any(n.endswith("/circuit_profile.json.gz") for n in names), "a circuit profile in a collection", names)
bare = zipfile.ZipFile(io.BytesIO(p.support_bundle(
    circuit_profile=False, heap_profile=False, metrics=False, logs=False, stats=False,
    pipeline_config=False, system_config=False, dataflow_graph=False, pipeline_events=False,
))).namelist()
check(sorted(bare) == ["metadata.json", "metadata.txt"], "only the metadata with every selector off", bare)
remove(p)
print("ok")
