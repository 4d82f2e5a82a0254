/**
 * Splits the text of one `/query` request into its `;`-separated statements.
 *
 * Feldera accepts several statements in one ad-hoc request (docs sql/ad-hoc.md: "separated by
 * a semicolon"); only the last one produces the result. A `;` inside a string literal
 * (`'a;b'`, `''` escapes a quote), a quoted identifier (`"a;b"`), a line comment (`-- ;`) or a
 * block comment (`/* ; *\/`) does not end a statement. Statements that are empty or only
 * whitespace and comments are dropped, so a trailing `;` is harmless.
 */

/** The statements of `sql`, in order, each without its `;`. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  /** Whether the current statement has anything besides whitespace and comments. */
  let content = false;
  let i = 0;
  const close = (end: number) => {
    if (content) statements.push(sql.slice(start, end).trim());
    start = end + 1;
    content = false;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      content = true;
      i++;
      while (i < sql.length) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === ';') {
      close(i);
      i++;
    } else {
      if (!/\s/.test(c)) content = true;
      i++;
    }
  }
  close(sql.length);
  return statements;
}
