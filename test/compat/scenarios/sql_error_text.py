"""SQL compile errors reach the SDK exactly as Feldera 0.312 words them: create_or_replace()
raises "Pipeline <name> failed to compile:" followed, per message, by its error_type, its
message and "Code snippet:" with the numbered lines and carets the SDK prints verbatim; the
pipeline's program_error carries the same fields (Feldera's SqlCompilerMessage)."""

from feldera import Pipeline
from sluice_compat import build, check, client, name

c = client()


def failure(what: str, sql: str) -> str:
    """The text of the exception create_or_replace() raises for `sql`."""
    try:
        build(c, what, sql)
    except RuntimeError as err:
        return err.args[0]
    raise AssertionError(f"expected the {what} program to fail to compile")


# The SDK strips the program text, so the view below is on line 4 of what it sends.
program = """
CREATE TABLE orders(
    id INT
);
CREATE VIEW totals AS SELECT * FROM order_lines;
"""
expected = "\n".join(
    [
        f"Pipeline {name('unknown-object')} failed to compile:",
        "Compilation error",
        "From line 4, column 37 to line 4, column 47: Object 'order_lines' not found",
        "Code snippet:",
        "    3|);",
        "    4|CREATE VIEW totals AS SELECT * FROM order_lines;",
        "                                          ^^^^^^^^^^^",
        "",
    ]
)
got = failure("unknown-object", program)
check(got == expected, repr(expected), got)

errors = Pipeline.get(name("unknown-object"), c).program_error()["sql_compilation"]
check(errors["exit_code"] == 1, "exit_code 1", errors["exit_code"])
check(
    errors["messages"]
    == [
        {
            "start_line_number": 4,
            "start_column": 37,
            "end_line_number": 4,
            "end_column": 47,
            "warning": False,
            "error_type": "Compilation error",
            "message": "From line 4, column 37 to line 4, column 47: Object 'order_lines' not found",
            "snippet": "    3|);\n    4|CREATE VIEW totals AS SELECT * FROM order_lines;\n"
            + " " * 42
            + "^" * 11
            + "\n",
        }
    ],
    "Feldera's SqlCompilerMessage fields",
    errors["messages"],
)

# A one-character name: Calcite's "At line L, column C"; the line after is quoted too.
got = failure("unknown-column", "CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT y FROM t;\nCREATE VIEW w AS SELECT 1;")
check(
    "\nCompilation error\nAt line 2, column 25: Column 'y' not found in any table\nCode snippet:\n"
    "    1|CREATE TABLE t (x INT);\n    2|CREATE VIEW v AS SELECT y FROM t;\n" + " " * 30 + "^\n"
    "    3|CREATE VIEW w AS SELECT 1;\n" in got,
    "the unknown column at its position",
    got,
)

got = failure("parse", "CREATE TABLE t (x INT);\nCREATE VIEW v AS SELEC x FROM t;")
check(
    '\nError parsing SQL\nEncountered "SELEC" at line 2, column 18.\nWas expecting:\n' in got
    and "    2|CREATE VIEW v AS SELEC x FROM t;\n" + " " * 23 + "^^^^^\n" in got,
    "the parse error in Calcite's words, with carets under the token",
    got,
)

got = failure("refused", "CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT x FROM t MATCH_RECOGNIZE (x);")
check(
    "\nNot yet implemented\nMATCH_RECOGNIZE is not supported\nCode snippet:\n" in got
    and " " * 39 + "^" * 15 + "\n" in got,
    "the refusal naming the construct, carets under it",
    got,
)

for what in ("unknown-object", "unknown-column", "parse", "refused"):
    c.delete_pipeline(name(what))
print("ok")
