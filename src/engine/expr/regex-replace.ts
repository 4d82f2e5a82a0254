/**
 * `REGEXP_REPLACE(s, pattern, replacement)` as Feldera runs it: the Rust `regex` crate's
 * `replace_all`, on the linear-time engine of regex.ts. Two parts of Rust's behaviour are
 * reproduced here rather than borrowed from RE2JS's own `replaceAll`, which follows Java:
 *
 * - Which matches are replaced: leftmost-first matches from left to right, where an empty
 *   match that starts where the previous match ended is skipped (so `a*` over `baaac`
 *   replaces at 0, 1..4 and 5, giving `-b-c-` for `-`; Java and JavaScript also replace the
 *   empty match at 4).
 * - The replacement syntax (Rust's `Captures::expand`): `$$` is a literal `$`; `$name` takes
 *   the longest run of `[0-9A-Za-z_]` as the group's name or, when it is all digits, its
 *   number (`$1a` is the group named `1a`); `${name}` takes everything up to the next `}`; a
 *   group that does not exist or did not take part in the match expands to nothing; a `$`
 *   that starts no reference (`$` at the end, `$-`, `${` without `}`) is a literal `$`.
 */
import type { Regex } from './regex.js';

/** A parsed replacement: literal text and group references, in order. */
type Part = string | { group: number } | { name: string };

const CAP_LETTER = /[0-9A-Za-z_]/;
/** A reference that Rust parses as a `usize` (an optional `+`, then digits). */
const NUMBER = /^\+?[0-9]+$/;

function reference(text: string): Part {
  return NUMBER.test(text) ? { group: Number(text) } : { name: text };
}

/** Splits a Rust replacement template into literal text and group references. */
export function parseReplacement(template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    literal += template.slice(i, dollar);
    const next = template[dollar + 1];
    if (next === '$') {
      literal += '$';
      i = dollar + 2;
      continue;
    }
    let ref: Part | null = null;
    let end = dollar + 1;
    if (next === '{') {
      const close = template.indexOf('}', dollar + 2);
      if (close >= 0) {
        ref = reference(template.slice(dollar + 2, close));
        end = close + 1;
      }
    } else {
      while (end < template.length && CAP_LETTER.test(template[end]!)) end++;
      if (end > dollar + 1) ref = reference(template.slice(dollar + 1, end));
    }
    if (ref === null) {
      literal += '$';
      i = dollar + 1;
      continue;
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push(ref);
    i = end;
  }
  literal += template.slice(i);
  if (literal) parts.push(literal);
  return parts;
}

/** Length in UTF-16 units of the code point at `i` (1 past the end, so a search can advance). */
function codePointWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

/** Replaces every match of `regex` in `s` by `parts` expanded with the match's groups. */
export function replaceAll(regex: Regex, s: string, parts: readonly Part[]): string {
  const m = regex.matcher(s);
  const names = parts.some((p) => typeof p === 'object' && 'name' in p) ? regex.namedGroups() : {};
  const groups = regex.groupCount();
  let out = '';
  let copied = 0;
  let from = 0;
  let lastEnd = -1;
  while (from <= s.length && m.find(from)) {
    const start = m.start();
    const end = m.end();
    if (start === end && start === lastEnd) {
      // Rust skips an empty match that touches the end of the previous match.
      if (start >= s.length) break;
      from = start + codePointWidth(s, start);
      continue;
    }
    out += s.slice(copied, start);
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else {
        const g = 'group' in p ? p.group : Object.hasOwn(names, p.name) ? names[p.name] : undefined;
        if (g !== undefined && g <= groups) out += m.group(g) ?? '';
      }
    }
    copied = end;
    lastEnd = end;
    from = end;
  }
  return out + s.slice(copied);
}
