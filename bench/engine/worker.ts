/** Runs one benchmark task (JSON in argv[2]) in this process and sends the result to the parent. */
import { runTask, type Task } from './tasks.js';

const task = JSON.parse(process.argv[2]!) as Task;
const result = runTask(task);
process.send!(result, () => process.disconnect());
