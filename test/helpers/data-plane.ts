/**
 * Data planes for the runtime's tests: the program compiled from SQL, a logger that keeps
 * quiet, a fatal error thrown, and the rejections steps report collected for the test to check.
 */
import { compileProgram, type Program } from '../../src/engine/index.js';
import { DataPlane, type DataPlaneSettings, type RejectedInput } from '../../src/runtime/data-plane.js';
import { PipelineLogger } from '../../src/runtime/log.js';

/** A pipeline logger that prints nothing. */
export class QuietLog extends PipelineLogger {
  override info(): void {}
  override warn(): void {}
  override error(): void {}
}

/** The program of `sql`; throws with the compiler's errors if it does not compile. */
export function programOf(sql: string): Program {
  const compiled = compileProgram(sql);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return compiled.program;
}

export interface TestDataPlaneOptions extends Partial<DataPlaneSettings> {
  /** The incarnation (lineage) of the plane's inputs; 'test' by default. */
  incarnation?: string;
  /** Start it running (steps taken as input arrives); false by default. */
  running?: boolean;
}

/** A data plane over `sql`, and the rejections its steps reported (unless `onRejected` is given). */
export function testDataPlane(
  sql: string,
  options: TestDataPlaneOptions = {},
): { plane: DataPlane; rejections: RejectedInput[][] } {
  const { incarnation = 'test', running = false, ...settings } = options;
  const rejections: RejectedInput[][] = [];
  const plane = new DataPlane(programOf(sql), incarnation, new QuietLog(), {
    onRejected: (r) => rejections.push(r),
    onFatal: (message) => {
      throw new Error(`unexpected fatal: ${message}`);
    },
    ...settings,
  });
  if (running) plane.setRunning(true);
  return { plane, rejections };
}
