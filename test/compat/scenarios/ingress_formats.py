"""Ingress as Feldera 0.312 takes it: JSON rows as positional arrays; {"update": ...} on a
table with a primary key; no `format` parameter means CSV; TIME and TIMESTAMP keep nanoseconds
(issue 9 item 7 and issue 10, which win over Feldera's docs where those say TIMESTAMP(6)) in the
JSON an ad-hoc query answers (egress of views: test/e2e/ingress-feldera), while a cast to text
drops the fraction as Feldera's casts do; a table with a primary key can be queried ad hoc
without 'materialized'."""

from sluice_compat import build, check, client, remove

SQL = """
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT, at TIME, ts TIMESTAMP);
"""
c = client()
p = build(c, "ingress", SQL)
p.start()
# input_json() cannot send positional rows (the SDK checks rows as dicts), so through its HTTP layer:
row = [[1, 10, "12:00:00.123456789", "2024-01-02 03:04:05.123456789"]]
resp = c.http.post(f"/pipelines/{p.name}/ingress/t", body=row,
                   params={"format": "json", "array": "true", "update_format": "raw"})
p.wait_for_token(resp["token"])
rows = list(p.query("SELECT id, v FROM t"))
check(rows == [{"id": 1, "v": 10}], "a positional row, queryable without 'materialized'", rows)
times = list(p.query("SELECT CAST(at AS VARCHAR) AS a, CAST(ts AS VARCHAR) AS b FROM t"))
check(times == [{"a": "12:00:00", "b": "2024-01-02 03:04:05"}],
      "TIME and TIMESTAMP text have no fraction (Feldera's casts)", times)
raw = list(p.query("SELECT at, ts FROM t"))
check(raw == [{"at": "12:00:00.123456789", "ts": "2024-01-02T03:04:05.123456789"}],
      "TIME and TIMESTAMP to ns, in the ad-hoc (Arrow) form", raw)
p.input_json("t", {"update": {"id": 1, "v": 11}}, update_format="insert_delete")
check(list(p.query("SELECT v FROM t")) == [{"v": 11}], "the update applied")
resp = c.http.post(f"/pipelines/{p.name}/ingress/t", body=b"2,20,,\n", content_type="text/csv")
p.wait_for_token(resp["token"])
check(list(p.query("SELECT v FROM t WHERE id = 2")) == [{"v": 20}], "CSV without a format parameter")
remove(p)
print("ok")
