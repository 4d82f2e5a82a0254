"""A samply profile through the SDK, as a Feldera user takes one: with
`dev_tweaks={"profiling": "samply"}` (accepted, and not needed by Sluice), before any profile
`get_samply_profile()` fails with 400 NoSamplyProfile; `start_samply_profile(2)` starts a
collection, a second one fails with 409 SamplyProfilingInProgress, rows pushed meanwhile are
processed; then `get_samply_profile(path)` returns a gzip (and writes it) whose JSON is a
Firefox Profiler profile with samples in the pipeline's own code."""

import gzip
import json
import os
import tempfile
import time

from feldera.rest.errors import FelderaAPIError
from feldera.runtime_config import RuntimeConfig
from sluice_compat import build, check, client, remove

c = client()
p = build(c, "samply", """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n FROM t GROUP BY grp;
""", RuntimeConfig(dev_tweaks={"profiling": "samply"}))
p.start()

try:
    p.get_samply_profile()
    raise AssertionError("no profile before the first collection")
except FelderaAPIError as err:
    check(err.status_code == 400 and err.error_code == "NoSamplyProfile", "400 NoSamplyProfile",
          (err.status_code, err.error_code))

duration = 2
p.start_samply_profile(duration)
try:
    p.start_samply_profile(duration)
    raise AssertionError("a second collection while one runs to be refused")
except FelderaAPIError as err:
    check(err.status_code == 409 and err.error_code == "SamplyProfilingInProgress",
          "409 SamplyProfilingInProgress", (err.status_code, err.error_code))

for batch in range(4):
    p.input_json("t", [{"id": batch * 2000 + i, "grp": i % 20} for i in range(2000)])
p.wait_for_idle()
total = list(p.query("SELECT SUM(n) AS total FROM per_group"))
check(total == [{"total": 8000}], "every row processed during the collection", total)

time.sleep(duration)
out = os.path.join(tempfile.mkdtemp(), "profile.json.gz")
data = None
deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    try:
        data = p.get_samply_profile(out)
        break
    except FelderaAPIError as err:
        check(err.status_code == 400, "400 until the first profile is written", err.status_code)
        time.sleep(0.2)
check(data is not None, "a profile within 15 s of the collection's end")
with open(out, "rb") as f:
    check(f.read() == data, "the same bytes written to the output path")

profile = json.loads(gzip.decompress(data))
check(profile["meta"]["preprocessedProfileVersion"] == 49, "samply's processed format", profile["meta"])
thread = profile["threads"][0]
check(thread["samples"]["length"] > 0, "samples", thread["samples"]["length"])
strings = thread["stringArray"]
engine = [strings[f] for f in thread["funcTable"]["fileName"] if f is not None and "/src/engine/" in strings[f]]
check(len(engine) > 0, "the engine's files in the string table", strings[:30])
remove(p)
print("ok")
