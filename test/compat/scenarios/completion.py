"""wait_for_completion() through the SDK: a pipeline whose only inputs are HTTP ingress is
complete once everything pushed is processed (HTTP ingress never blocks completion, as in
Feldera), so the call returns and is_complete() is true."""

from sluice_compat import build, check, client, remove

c = client()
p = build(c, "complete", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');")
p.start()
p.input_json("t", [{"id": 1}, {"id": 2}])
p.wait_for_completion(timeout_s=30)
check(p.is_complete() is True, "is_complete() true", p.is_complete())
remove(p)
print("ok")
