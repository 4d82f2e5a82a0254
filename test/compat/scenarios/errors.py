"""Errors reach the SDK in Feldera's shape: a SQL error fails create_or_replace with the
compiler's message, an unknown pipeline is a FelderaAPIError with status 404 and
error_code UnknownPipelineName, and pushing into a table that does not exist is refused."""

from feldera import Pipeline
from feldera.rest.errors import FelderaAPIError
from sluice_compat import build, check, client, name, remove

c = client()
try:
    build(c, "bad-sql", "CREATE TABLE t (id INT);\nCREATE VIEW v AS SELEC id FROM t;")
    raise AssertionError("a program with a SQL error to fail create_or_replace")
except RuntimeError as err:
    check("failed to compile" in str(err) and "SELEC" in str(err), "the compiler's message", str(err))

try:
    Pipeline.get(name("missing"), c)
    raise AssertionError("an unknown pipeline to raise")
except FelderaAPIError as err:
    check(err.status_code == 404, "status 404", err.status_code)
    check(err.error_code == "UnknownPipelineName", "UnknownPipelineName", err.error_code)

p = build(c, "no-table", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');")
p.start()
try:
    p.input_json("nope", {"id": 1})
    raise AssertionError("a push into an unknown table to raise")
except FelderaAPIError as err:
    check(err.status_code in (400, 404), "a 4xx answer", err.status_code)
remove(p)
remove(Pipeline.get(name("bad-sql"), c))
print("ok")
