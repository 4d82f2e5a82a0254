/** The compile step of the manager: the engine's SQL front end, with Feldera's `program_info`. */
import { compileProgram } from '../../engine/index.js';
import type { CompileOutcome } from './service.js';

export function compileSql(programCode: string): CompileOutcome {
  const result = compileProgram(programCode);
  if (!result.ok) return { ok: false, messages: result.errors };
  return {
    ok: true,
    warnings: result.warnings,
    programInfo: {
      schema: result.program.schema,
      udf_stubs: '',
      input_connectors: {},
      output_connectors: {},
      dataflow: null,
    },
  };
}
