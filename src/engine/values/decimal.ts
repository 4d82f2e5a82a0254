/**
 * Exact fixed-point decimals: an unscaled `bigint` and a scale (digits after the point).
 *
 * No binary floating point is used anywhere on a decimal's path: text is parsed digit by digit,
 * arithmetic is bigint arithmetic, and rounding (when a result must drop digits) is half away
 * from zero, like SQL `ROUND`. A value's scale is whatever its SQL type says; the engine
 * rescales at casts so values of one column always share a scale.
 */

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

const POW10: bigint[] = [1n];
/** 10^n as a bigint, cached for the small exponents decimals use. */
export function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10.push(POW10[i - 1]! * 10n);
  return POW10[n]!;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Divides with rounding half away from zero. */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  if (2n * abs(r) >= abs(d)) return n < 0n !== d < 0n ? q - 1n : q + 1n;
  return q;
}

/** An exact decimal number `unscaled × 10^-scale`. */
export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** Parses decimal text (`-12.50`, `1e3`, `.5`); returns undefined if it is not a number. */
  static parse(text: string): Decimal | undefined {
    const m = DECIMAL_TEXT.exec(text.trim());
    if (!m) return undefined;
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? '';
    if (intDigits === '' && fracDigits === '') return undefined;
    let unscaled = BigInt((intDigits || '0') + fracDigits);
    if (m[1] === '-') unscaled = -unscaled;
    let scale = fracDigits.length - Number(m[4] ?? '0');
    if (scale < 0) {
      unscaled *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(unscaled, scale);
  }

  static fromBigInt(v: bigint): Decimal {
    return new Decimal(v, 0);
  }

  /** Converts a finite double through its shortest round-tripping text, the value a user wrote. */
  static fromNumber(v: number): Decimal | undefined {
    if (!Number.isFinite(v)) return undefined;
    return Decimal.parse(String(v));
  }

  /** The same value at another scale, rounding half away from zero when digits are dropped. */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    return new Decimal(divRound(this.unscaled, pow10(this.scale - scale)), scale);
  }

  /** Number of significant digits of the unscaled value (0 has one digit). */
  digits(): number {
    const a = abs(this.unscaled);
    return a === 0n ? 1 : a.toString().length;
  }

  /** True when the value fits DECIMAL(precision, scale) after rescaling to `scale`. */
  fits(precision: number, scale: number): boolean {
    return abs(this.rescale(scale).unscaled) < pow10(precision);
  }

  signum(): number {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  compare(other: Decimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.rescale(s).unscaled;
    const b = other.rescale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  add(other: Decimal): Decimal {
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(s).unscaled + other.rescale(s).unscaled, s);
  }

  sub(other: Decimal): Decimal {
    return this.add(other.neg());
  }

  mul(other: Decimal): Decimal {
    return new Decimal(this.unscaled * other.unscaled, this.scale + other.scale);
  }

  /** Quotient at `scale` digits, rounded half away from zero; the caller rejects a zero divisor. */
  div(other: Decimal, scale: number): Decimal {
    // n / d at scale s: (a·10^-sa) / (b·10^-sb) = a·10^(s - sa + sb) / b · 10^-s.
    const shift = scale - this.scale + other.scale;
    const num = shift >= 0 ? this.unscaled * pow10(shift) : this.unscaled;
    const den = shift >= 0 ? other.unscaled : other.unscaled * pow10(-shift);
    return new Decimal(divRound(num, den), scale);
  }

  /** Remainder with the sign of the dividend, like SQL `MOD`. */
  mod(other: Decimal): Decimal {
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(s).unscaled % other.rescale(s).unscaled, s);
  }

  neg(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  abs(): Decimal {
    return this.unscaled < 0n ? this.neg() : this;
  }

  /** Rounds to `digits` places after the point (negative: before it), keeping this scale. */
  round(digits: number): Decimal {
    if (digits >= this.scale) return this;
    const unit = pow10(this.scale - digits);
    return new Decimal(divRound(this.unscaled, unit) * unit, this.scale);
  }

  /** Rounds half to even (banker's rounding) to `digits` places, keeping this scale. */
  roundHalfEven(digits: number): Decimal {
    if (digits >= this.scale) return this;
    const unit = pow10(this.scale - digits);
    let q = this.unscaled / unit;
    const r = this.unscaled % unit;
    const twice = 2n * abs(r);
    if (twice > unit || (twice === unit && q % 2n !== 0n)) q += this.unscaled < 0n ? -1n : 1n;
    return new Decimal(q * unit, this.scale);
  }

  /** Cuts to `digits` places (negative: before the point) toward zero, keeping this scale. */
  truncate(digits: number): Decimal {
    if (digits >= this.scale) return this;
    const unit = pow10(this.scale - digits);
    return new Decimal((this.unscaled / unit) * unit, this.scale);
  }

  /** Largest integer not above the value, at scale 0. */
  floor(): Decimal {
    const unit = pow10(this.scale);
    let q = this.unscaled / unit;
    if (this.unscaled < 0n && q * unit !== this.unscaled) q -= 1n;
    return new Decimal(q, 0);
  }

  /** Smallest integer not below the value, at scale 0. */
  ceil(): Decimal {
    const unit = pow10(this.scale);
    let q = this.unscaled / unit;
    if (this.unscaled > 0n && q * unit !== this.unscaled) q += 1n;
    return new Decimal(q, 0);
  }

  /** The integer part (truncated toward zero). */
  truncToBigInt(): bigint {
    return this.unscaled / pow10(this.scale);
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Plain decimal text with exactly `scale` fractional digits, e.g. `-0.50`. */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = abs(this.unscaled).toString();
    if (this.scale === 0) return neg ? `-${digits}` : digits;
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }

  /** Canonical text independent of scale (trailing zeros dropped), used for hashing keys. */
  canonical(): string {
    let u = this.unscaled;
    let s = this.scale;
    while (s > 0 && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return `${u}e${s}`;
  }
}
