/** Measures one state size (task as JSON in argv[2]) and sends the result to the parent. */
import { measureSize, type SizeTask } from './measure.js';

const result = await measureSize(JSON.parse(process.argv[2]!) as SizeTask);
process.send!(result, () => process.disconnect());
