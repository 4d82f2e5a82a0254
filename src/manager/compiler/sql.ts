/** The compile step of the manager: the engine's SQL front end, with Feldera's `program_info`. */
import type { ConnectorSpec } from '../../connectors/spec.js';
import { compileProgram } from '../../engine/index.js';
import type { CompileOutcome } from './service.js';

/** Feldera's `input_connectors` / `output_connectors`: endpoint name → endpoint config. */
function endpoints(connectors: readonly ConnectorSpec[], direction: ConnectorSpec['direction']) {
  return Object.fromEntries(
    connectors.filter((c) => c.direction === direction).map((c) => [c.endpoint, c.config]),
  );
}

export function compileSql(programCode: string): CompileOutcome {
  const result = compileProgram(programCode);
  if (!result.ok) return { ok: false, messages: result.errors };
  const { connectors } = result.program;
  return {
    ok: true,
    warnings: result.warnings,
    programInfo: {
      schema: result.program.schema,
      udf_stubs: '',
      input_connectors: endpoints(connectors, 'input'),
      output_connectors: endpoints(connectors, 'output'),
      dataflow: null,
    },
  };
}
