# Proves issue 9 (Feldera's clients work unchanged): the binary ad-hoc formats.
"""Ad-hoc results in the SDK's binary formats: query_arrow() and the client's query_as_arrow()
stream Arrow record batches that pyarrow reads with their SQL types, query_parquet() writes a
Parquet file that pyarrow reads back, and query_as_hash() (a digest Sluice does not compute)
is refused with InvalidFormat rather than answered wrongly."""

import os
import tempfile
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
from feldera.rest.errors import FelderaAPIError
from sluice_compat import build, check, client, remove

c = client()
p = build(
    c,
    "adhoc-formats",
    "CREATE TABLE t (id INT NOT NULL, price DECIMAL(8, 2), tags VARCHAR ARRAY, at TIMESTAMP)"
    " WITH ('materialized' = 'true');",
)
p.start()
p.input_json(
    "t",
    [
        {"id": 1, "price": 9.5, "tags": ["a", "b"], "at": "2024-05-06 07:08:09.123"},
        {"id": 2, "price": None, "tags": None, "at": None},
    ],
)

query = "SELECT * FROM t ORDER BY id"
table = pa.Table.from_batches(list(p.query_arrow(query)))
check(table.schema.field("id").type == pa.int32(), "id as int32", table.schema)
check(table.schema.field("price").type == pa.decimal128(8, 2), "price as decimal128(8, 2)", table.schema)
check(table.schema.field("tags").type == pa.large_list(pa.string()), "tags as a large list", table.schema)
check(table.schema.field("at").type == pa.timestamp("us"), "at as timestamp[us]", table.schema)
rows = table.to_pylist()
check(rows[0]["price"] == Decimal("9.50") and rows[0]["tags"] == ["a", "b"], "the first row", rows)
check(rows[0]["at"].isoformat() == "2024-05-06T07:08:09.123000", "the timestamp", rows)
check(rows[1] == {"id": 2, "price": None, "tags": None, "at": None}, "the NULLs", rows)

client_batches = list(c.query_as_arrow(p.name, query))
check(pa.Table.from_batches(client_batches).equals(table), "the client's batches equal the pipeline's")

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "result")
    p.query_parquet(query, path)
    read = pq.read_table(path + ".parquet")
    check(read.schema.field("price").type == pa.decimal128(8, 2), "parquet keeps the decimal", read.schema)
    check(read.to_pylist() == rows, "parquet holds the same rows", read.to_pylist())

try:
    c.query_as_hash(p.name, query)
    raise AssertionError("format=hash to be refused")
except FelderaAPIError as err:
    check(err.status_code == 400 and err.error_code == "InvalidFormat", "400 InvalidFormat", err.error_code)

remove(p)
print("ok")
