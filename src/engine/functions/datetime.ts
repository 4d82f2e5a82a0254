/** Date and time functions (Feldera's reference, "Date/time operations"): EXTRACT and its shorthands. */
import { extractField, type TimeUnit, timestampDays, timestampTimeOfDay } from '../values/datetime.js';
import type { KernelFamily } from './kernel.js';

export const DATETIME_KERNELS: KernelFamily = {
  /** EXTRACT(unit FROM d): the call's `unit` is the field; the result is a BIGINT. */
  extract: {
    nulls: 'strict',
    make: ([t], _result, unit) => {
      const u = unit as TimeUnit;
      switch (t!.type) {
        case 'DATE':
          return ([v]) => BigInt(extractField(u, v as number, 0));
        case 'TIME':
          return ([v]) => BigInt(extractField(u, 0, v as number));
        default:
          return ([v]) =>
            BigInt(extractField(u, timestampDays(v as bigint), timestampTimeOfDay(v as bigint)));
      }
    },
  },
};
