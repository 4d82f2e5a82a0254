/**
 * MAP functions (Feldera's reference, "Map Operations"). A map holds its entries sorted by key
 * (values/value.ts), so MAP_KEYS is sorted and MAP_VALUES follows the keys' order.
 */
import type { SqlMap, Value } from '../values/value.js';
import { type KernelFamily, strict } from './kernel.js';

export const MAP_KERNELS: KernelFamily = {
  map_keys: strict(([m]) => (m as SqlMap).entries.map(([k]) => k)),
  map_values: strict(([m]) => (m as SqlMap).entries.map(([, v]) => v)),
  map_contains_key: strict(([m, k]) => (m as SqlMap).get(k as Value) !== undefined),
};
