/**
 * Every scalar function kernel, by id. A family lives in its own file (string.ts, numeric.ts,
 * datetime.ts, ...); adding a function adds one entry there. Two families defining one id is a
 * programming error, reported when this module loads.
 */

import { ARRAY_KERNELS } from './array.js';
import { BINARY_KERNELS } from './binary.js';
import { CONDITIONAL_KERNELS } from './conditional.js';
import { DATETIME_KERNELS } from './datetime.js';
import { FLOAT_KERNELS } from './float.js';
import { JSON_KERNELS } from './json.js';
import type { Kernel, KernelFamily } from './kernel.js';
import { MAP_KERNELS } from './map.js';
import { NUMERIC_KERNELS } from './numeric.js';
import { REGEX_KERNELS } from './regex.js';
import { STRING_KERNELS } from './string.js';

const FAMILIES: Record<string, KernelFamily> = {
  string: STRING_KERNELS,
  binary: BINARY_KERNELS,
  regex: REGEX_KERNELS,
  numeric: NUMERIC_KERNELS,
  float: FLOAT_KERNELS,
  datetime: DATETIME_KERNELS,
  conditional: CONDITIONAL_KERNELS,
  map: MAP_KERNELS,
  json: JSON_KERNELS,
  array: ARRAY_KERNELS,
};

function merge(): ReadonlyMap<string, Kernel> {
  const all = new Map<string, Kernel>();
  const owner = new Map<string, string>();
  for (const [family, kernels] of Object.entries(FAMILIES))
    for (const [id, kernel] of Object.entries(kernels)) {
      if (all.has(id))
        throw new Error(`function kernel '${id}' is defined by both ${owner.get(id)} and ${family}`);
      all.set(id, kernel);
      owner.set(id, family);
    }
  return all;
}

/** All kernels by id. */
export const KERNELS: ReadonlyMap<string, Kernel> = merge();

export type { Kernel, KernelFamily } from './kernel.js';
