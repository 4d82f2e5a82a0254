/**
 * Randomness for the data generator.
 *
 * Every record draws from its own generator, seeded from (seed, plan, record index). Feldera
 * seeds one generator per worker task (`seed + worker`), so which records get which values
 * depends on how chunks fall to workers; seeding per record instead makes the generated data
 * a function of the seed and the record's position alone. That is what lets a resumed
 * pipeline continue exactly where its checkpoint stopped, and an exactly-once pipeline
 * regenerate a journaled batch, without storing generator state.
 *
 * The generator is pure-rand's xoroshiro128+; uniform draws use its distributions (no modulo
 * bias). Zipf samples use rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-inversion
 * to generate variates from monotone discrete distributions", 1996), the method of
 * rand_distr's `Zipf` that Feldera uses: values in 1..=n, P(k) proportional to k^-s.
 */
import { uniformBigInt } from 'pure-rand/distribution/uniformBigInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** MurmurHash3's 32-bit finalizer: spreads every input bit over the output. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Mixes a non-negative integer below 2^53 into a 32-bit state. */
function mix(state: number, value: number): number {
  const hi = Math.floor(value / 2 ** 32);
  return fmix32(fmix32(state ^ (value >>> 0)) ^ hi ^ 0x9e3779b9);
}

/** The random draws of one record. */
export class RecordRandom {
  private readonly rng: RandomGenerator;

  constructor(seed: number, plan: number, record: number) {
    this.rng = xoroshiro128plus(mix(mix(mix(0x5eed, seed), plan), record) | 0);
  }

  /** An integer in `[from, to]` (both safe integers). */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }

  /** A bigint in `[from, to]`. */
  bigint(from: bigint, to: bigint): bigint {
    return uniformBigInt(this.rng, from, to);
  }

  /** A float in `[0, 1)`. */
  float(): number {
    return uniformFloat64(this.rng);
  }

  bool(): boolean {
    return uniformInt(this.rng, 0, 1) === 1;
  }
}

/** A Zipf distribution over `1..=n` with exponent `s >= 0`. */
export class Zipf {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly threshold: number;

  constructor(
    private readonly n: number,
    private readonly s: number,
  ) {
    if (!(n >= 1) || !(s >= 0)) throw new RangeError(`invalid Zipf distribution (n = ${n}, s = ${s})`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.threshold = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A sample in `1..=n`. */
  sample(random: RecordRandom): number {
    for (;;) {
      const u = this.hIntegralN + random.float() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.threshold || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.s) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.s);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }
}

/** log1p(x) / x, accurate near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x) / x, accurate near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + (x / 2) * (1 + (x / 3) * (1 + x / 4));
}
