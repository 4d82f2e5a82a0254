"""listen() through the SDK, as its docs advise: start paused, attach a listener, resume, push;
the listener receives the view's changes. The SDK's listen() returns only once the egress
stream has sent its first chunk, so the stream must send one at once."""

import threading
import time

from sluice_compat import build, check, client, remove

c = client()
p = build(c, "listen", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT);\n"
          "CREATE MATERIALIZED VIEW big AS SELECT id, v FROM t WHERE v > 10;")
p.start_paused()
listening = {}
attach = threading.Thread(target=lambda: listening.update(out=p.listen("big")), daemon=True)
attach.start()
attach.join(30)
check("out" in listening, "listen() on a paused pipeline to return", "no return within 30 s")
out = listening["out"]
p.resume()
p.input_json("t", [{"id": 1, "v": 5}, {"id": 2, "v": 50}])
rows = []
for _ in range(100):
    rows += out.to_dict(clear_buffer=True)
    if rows:
        break
    time.sleep(0.1)
check([(r["id"], r["insert_delete"]) for r in rows] == [(2, 1)], "the view's insert", rows)
remove(p)
print("ok")
