"""Ingress parse errors and HTTP connector statistics as Feldera 0.312 reports them, through the
SDK's push_to_pipeline: a CSV body with a bad record answers 400 ParseErrors "Errors parsing
input data (1 errors)" and keeps its good records; a JSON array with two bad records counts both
and ingests nothing; /stats names the HTTP input connectors `t.api-ingress-...` (one per table
and format, as Feldera keeps them) and lists their parse errors only with
include_connector_errors=true."""

import time

from feldera.rest.errors import FelderaAPIError
from sluice_compat import build, check, client, remove

SQL = """
CREATE TABLE t (id INT NOT NULL, b BOOLEAN) WITH ('materialized' = 'true');
"""
c = client()
p = build(c, "ingress-errors", SQL)
p.start()


def refused(**push) -> FelderaAPIError:
    try:
        c.push_to_pipeline(p.name, "t", **push)
    except FelderaAPIError as err:
        return err
    raise AssertionError(f"expected a 400 for {push}")


def count() -> int:
    return list(p.query("SELECT COUNT(*) AS n FROM t"))[0]["n"]


err = refused(format="csv", data="1,true\nnot_a_number,true\n2,false\n", serialize=False)
check(err.status_code == 400 and err.error_code == "ParseErrors", "400 ParseErrors", (err.status_code, err.error_code))
check("Errors parsing input data (1 errors)" in err.message, "the bad CSV record counted", err.message)
deadline = time.monotonic() + 30
while count() != 2 and time.monotonic() < deadline:
    time.sleep(0.2)
check(count() == 2, "the two good CSV records kept", count())

err = refused(format="json", array=True, update_format="insert_delete",
              data=[{"insert": {"id": 3, "b": True}}, {"insert": {"id": "x", "b": True}},
                    {"insert": {"id": 4, "b": "maybe"}}])
check("Errors parsing input data (2 errors)" in err.message, "both bad JSON records counted", err.message)
time.sleep(1)
check(count() == 2, "nothing of the JSON array ingested", count())

plain = c.http.get(f"/pipelines/{p.name}/stats")
http_inputs = [i for i in plain["inputs"] if ".api-ingress-" in i["endpoint_name"]]
names = [i["endpoint_name"] for i in http_inputs]
check(len(names) == 2 and all(n.startswith("t.api-ingress-") for n in names),
      "one HTTP input connector per format (csv, json), named t.api-ingress-...", names)
check(all(i.get("parse_errors") is None for i in http_inputs), "no error lists unless asked for", http_inputs)
detailed = c.http.get(f"/pipelines/{p.name}/stats", params={"include_connector_errors": "true"})
lists = [i["parse_errors"] for i in detailed["inputs"] if ".api-ingress-" in i["endpoint_name"]]
check(all(isinstance(errors, list) and len(errors) >= 1 and all("message" in e for e in errors) for errors in lists),
      "each connector's parse errors listed with messages", lists)
remove(p)
print("ok")
