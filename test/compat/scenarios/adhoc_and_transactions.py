# Proves issue 9, item 8 (Ad-hoc and transactions).
"""Ad-hoc queries and transactions as the SDK uses them: several ';'-separated statements in
one query, and start_transaction() / commit_transaction(), which read `transaction_id` from
the pipeline's statistics."""

from sluice_compat import build, check, client, remove

c = client()
p = build(c, "txn", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');")
p.start()
p.input_json("t", {"id": 1})
rows = list(p.query("SELECT COUNT(*) AS n FROM t; SELECT MAX(id) AS m FROM t"))
check({"m": 1} in rows, "the last statement's rows", rows)
tid = p.start_transaction()
check(p.transaction_id() == tid, "the transaction under way", p.transaction_id())
p.input_json("t", {"id": 2}, wait=False)
p.commit_transaction(tid, timeout_s=30)
check(p.transaction_id() is None, "no transaction after the commit", p.transaction_id())
check(list(p.query("SELECT COUNT(*) AS n FROM t")) == [{"n": 2}], "the committed row")
remove(p)
print("ok")
