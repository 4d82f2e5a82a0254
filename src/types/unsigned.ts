/**
 * The ranges of the unsigned Rust integer types of Feldera's config structs. Apart from the
 * config schema (pipeline.ts) so that what checks a single value, such as the sync settings of
 * a one-shot `sluice` push or pull, does not load the schema library with it.
 */

/**
 * The largest value of a u64 or usize (64-bit), as near as a JavaScript number gets: JSON.parse
 * reads 18446744073709551615 (u64::MAX) as 2^64, so that is the bound; 1e30 is refused.
 */
export const U64_MAX = 2 ** 64;

/** The range of each unsigned Rust integer type of Feldera's config structs. */
const UNSIGNED_MAX = { u8: 255, u16: 65_535, u32: 4_294_967_295, u64: U64_MAX, usize: U64_MAX } as const;
export type UnsignedType = keyof typeof UNSIGNED_MAX;

/** The largest value of an unsigned Rust integer type (u64 and usize: `U64_MAX`). */
export const unsignedMax = (rust: UnsignedType): number => UNSIGNED_MAX[rust];
