/**
 * Text of floating-point values as Feldera's casts write them: the shortest digits that read
 * back as the same value, laid out as the `ryu` crate's `Buffer::format` does (Feldera's
 * `cast_to_s_fp`), which differs from JavaScript's `String(n)`:
 * - a whole number keeps `.0` (`-38.0`, `1592749424123.0`);
 * - plain notation for DOUBLE values in [1e-5, 1e16) and REAL values in [1e-6, 1e13),
 *   scientific otherwise, with a bare exponent (`1.6631e-6`, `1e16`, `4.0087400308519e20`);
 * - `NaN`, `inf` and `-inf` for the special values.
 */

/** The layout thresholds of ryu's 64-bit and 32-bit formatters. */
const LIMITS = { double: { plain: 16, small: -5 }, real: { plain: 13, small: -6 } } as const;

/** Shortest round-trip digits (no leading or trailing zeros) and the decimal exponent of the first. */
function shortestDigits(v: number, real: boolean): { digits: string; exponent: number } {
  let text = v.toExponential();
  if (real)
    for (let p = 1; p <= 9; p++) {
      const candidate = v.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === v) {
        text = Number(candidate).toExponential();
        break;
      }
    }
  const [mantissa, exp] = text.split('e') as [string, string];
  return { digits: mantissa.replace('-', '').replace('.', ''), exponent: Number(exp) };
}

function format(v: number, real: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (v === 0) return `${sign}0.0`;
  const { digits, exponent } = shortestDigits(Math.abs(v), real);
  const limits = real ? LIMITS.real : LIMITS.double;
  const length = digits.length;
  // kk: the position of the decimal point counted from the first digit (ryu's naming).
  const kk = exponent + 1;
  let body: string;
  if (kk >= length && kk <= limits.plain) body = `${digits}${'0'.repeat(kk - length)}.0`;
  else if (kk > 0 && kk <= limits.plain) body = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > limits.small && kk <= 0) body = `0.${'0'.repeat(-kk)}${digits}`;
  else body = `${digits[0]}${length > 1 ? `.${digits.slice(1)}` : ''}e${kk - 1}`;
  return sign + body;
}

/** Text of a DOUBLE, as `CAST(d AS VARCHAR)` gives it in Feldera. */
export function formatDoubleText(v: number): string {
  return format(v, false);
}

/** Text of a REAL (a float32 value held in a double), as `CAST(r AS VARCHAR)` gives it. */
export function formatRealText(v: number): string {
  return format(v, true);
}
