/**
 * The regular-expression engine of every SQL regex function (`RLIKE`, `REGEXP_REPLACE`):
 * RE2JS, a pure-JavaScript port of RE2. Like Feldera's
 * Rust `regex` crate it guarantees time linear in the input (automata, no backtracking), so no
 * pattern or input can stall a step. Never use `RegExp` for a user-supplied pattern.
 *
 * Feldera documents its syntax as the Rust `regex` crate's. RE2 syntax is nearly the same;
 * `translateRustSyntax` rewrites the escapes that differ only in spelling, and the rest of
 * the differences are listed here (and in docs/sql.md) rather than hidden:
 * - rewritten: `\uXXXX`, `\u{X..}`, `\UXXXXXXXX`, `\U{X..}` (Rust) become `\x{X..}` (RE2);
 *   `\d`/`\D` become `\p{Nd}`/`\P{Nd}`, since Rust's `\d` is Unicode-aware and RE2's is ASCII.
 * - differs: `\w`, `\s` and `\b` are ASCII-only in RE2, Unicode-aware in Rust; Rust's verbose
 *   flag `(?x)`, its class set operations (`[a-z&&[^aeiou]]`, `--`, `~~`) and its `\<` / `\>`
 *   word-start/end assertions are not RE2 syntax (the first is refused as malformed; RE2 reads
 *   `&&` inside a class as two literal characters).
 * - same in both: no backreferences, no look-around; `(?i)`, `(?m)`, `(?s)`, `(?U)` flags;
 *   `(?P<name>..)` and `(?<name>..)` groups; `\p{..}` Unicode classes; matching by code point.
 *
 * A malformed pattern is not an error in Feldera: `RLIKE` is FALSE and `REGEXP_REPLACE`
 * returns its input unchanged. `compileRegex` therefore returns null for it.
 */
import { RE2JS } from 're2js';

export type Regex = RE2JS;

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Rewrites Rust-only spellings of escapes to RE2's (see the module header). Escaped
 * backslashes are skipped, so `\\d` stays a literal backslash followed by `d`.
 */
export function translateRustSyntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c !== '\\' || i + 1 >= pattern.length) {
      out += c;
      continue;
    }
    const next = pattern[i + 1]!;
    if (next === 'd' || next === 'D') {
      out += next === 'd' ? '\\p{Nd}' : '\\P{Nd}';
      i++;
      continue;
    }
    if (next === 'u' || next === 'U') {
      const braced = /^\{([0-9a-fA-F]{1,8})\}/.exec(pattern.slice(i + 2));
      if (braced) {
        out += `\\x{${braced[1]}}`;
        i += 1 + braced[0].length;
        continue;
      }
      const width = next === 'u' ? 4 : 8;
      const digits = pattern.slice(i + 2, i + 2 + width);
      if (digits.length === width && HEX.test(digits)) {
        out += `\\x{${digits}}`;
        i += 1 + width;
        continue;
      }
    }
    out += c + next;
    i++;
  }
  return out;
}

/** Compiles a Feldera (Rust-syntax) regular expression; null when it is malformed. */
export function compileRegex(pattern: string): Regex | null {
  try {
    return RE2JS.compile(translateRustSyntax(pattern));
  } catch {
    return null;
  }
}

/**
 * A compiler that keeps the last pattern's compiled form, so a constant pattern (the usual
 * case) is compiled once per operator and not once per row.
 */
export function makeRegexCache(): (pattern: string) => Regex | null {
  let last: string | null = null;
  let compiled: Regex | null = null;
  return (pattern) => {
    if (pattern !== last) {
      compiled = compileRegex(pattern);
      last = pattern;
    }
    return compiled;
  };
}

/** `s RLIKE pattern`: TRUE when the pattern matches anywhere in `s`; FALSE for a malformed pattern. */
export function makeRlike(): (s: string, pattern: string) => boolean {
  const regex = makeRegexCache();
  return (s, pattern) => regex(pattern)?.test(s) ?? false;
}
