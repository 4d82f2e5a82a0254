/** Measures one store (argv: name, entries) and sends the result to the parent. */
import { measure, type StoreName } from './driver.js';

const result = await measure(process.argv[2] as StoreName, Number(process.argv[3]));
process.send!(result, () => process.disconnect());
