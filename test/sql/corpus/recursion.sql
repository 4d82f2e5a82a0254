-- Recursive views (DECLARE RECURSIVE VIEW), with Feldera's semantics: least fixed point, every
-- member DISTINCT. Format: test/helpers/sql-corpus.ts.

-- case: transitive closure of a graph with a cycle and a tail
CREATE TABLE edges (x INT, y INT);
INSERT INTO edges VALUES (1, 2), (2, 1), (2, 3), (3, 3), (5, 6);
DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM edges e JOIN closure ON e.y = closure.x;
CREATE VIEW closure AS (SELECT * FROM edges) UNION (SELECT * FROM step);
-- expect:
{"x": 1, "y": 1}
{"x": 1, "y": 2}
{"x": 1, "y": 3}
{"x": 2, "y": 1}
{"x": 2, "y": 2}
{"x": 2, "y": 3}
{"x": 3, "y": 3}
{"x": 5, "y": 6}

-- case: UNION ALL inside a recursive view is still DISTINCT
CREATE TABLE seed (n INT NOT NULL);
INSERT INTO seed VALUES (1), (1), (4);
DECLARE RECURSIVE VIEW upto (n INT NOT NULL);
CREATE VIEW upto AS SELECT n FROM seed UNION ALL SELECT n + 1 AS n FROM upto WHERE n < 5;
-- expect:
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
{"n": 5}

-- case: mutual recursion through a declared LOCAL view
CREATE TABLE e (x INT, y INT);
INSERT INTO e VALUES (0, 1), (1, 2), (2, 3);
DECLARE RECURSIVE VIEW even_steps (x INT);
DECLARE RECURSIVE VIEW odd_steps (x INT);
CREATE LOCAL VIEW odd_steps AS SELECT e.y AS x FROM even_steps JOIN e ON even_steps.x = e.x;
CREATE VIEW even_steps AS SELECT 0 AS x UNION SELECT e.y AS x FROM odd_steps JOIN e ON odd_steps.x = e.x;
-- expect:
{"x": 0}
{"x": 2}

-- case: a declared NOT NULL column that the query can make NULL
CREATE TABLE t (x INT);
DECLARE RECURSIVE VIEW r (x INT NOT NULL);
CREATE VIEW r AS SELECT x FROM t UNION SELECT x FROM r;
-- expect error
