/**
 * The compiler service: takes pipelines whose program is `Pending` and compiles them.
 *
 * Compilation here means parsing, type-checking and planning the SQL program (the pipeline
 * process compiles the same program again when it starts: there is no binary to build).
 * The status walks Feldera's states, Pending → CompilingSql → SqlCompiled → CompilingRust →
 * Success, or stops at SqlError with every message the compiler produced, or at RustError for
 * a program with Rust UDFs (`udf_rust`), which Sluice cannot build. A result is only
 * stored if the program did not change meanwhile (`program_version` is compared), so a
 * quick edit during compilation is never overwritten by a stale outcome.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { SqlCompilerMessage } from '../../types/pipeline.js';
import { nowIso } from '../pipelines/record.js';
import type { MetadataStore, PipelineRecord } from '../store/types.js';

/** Outcome of compiling one SQL program. */
export type CompileOutcome =
  | { ok: true; programInfo: unknown; warnings: SqlCompilerMessage[] }
  | { ok: false; messages: SqlCompilerMessage[] };

export type CompileFn = (programCode: string) => CompileOutcome;

/** What `cargo build` exits with on a compile error: Feldera's `RustError` carries it. */
const RUST_FAILED_EXIT_CODE = 101;

/**
 * The `rust_compilation.stderr` of a program with a non-empty `udf_rust`: Sluice has no Rust
 * toolchain in the loop, so Rust UDFs are refused rather than ignored (the SQL declaring them
 * would have no body). It quotes the start of the code, as rustc quotes what it rejects.
 */
function refusedRustUdfs(udfRust: string): string {
  const code = udfRust.trim();
  const quoted = code.length > 200 ? `${code.slice(0, 200)}…` : code;
  return `error: Sluice cannot compile Rust user-defined functions: udf_rust must be empty (write the function in SQL with CREATE FUNCTION ... AS <expression>). udf_rust begins:\n${quoted}\n`;
}

/** Background worker that compiles pending programs, one at a time. */
export class CompilerService {
  private running = false;
  private again = false;

  constructor(
    private readonly store: MetadataStore,
    private readonly compile: CompileFn,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Compiles every pending program; calls made while it runs trigger one more pass. */
  async wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const pending = await this.store.transaction(async (tx) =>
          (await tx.listPipelines()).filter(
            (p) => p.program_status === 'Pending' || p.program_status === 'CompilingSql',
          ),
        );
        for (const p of pending) await this.compileOne(p);
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  /**
   * Applies `update` if the program is still at `version`. `refresh_version` moves only when
   * the compilation produced something (an error, the SQL schema, the finished program), not
   * on the `Compiling*` steps: Feldera 0.312 reports 3 after the first successful compile.
   */
  private async setStatus(
    id: string,
    version: number,
    update: (rec: PipelineRecord, now: string) => void,
  ): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const rec = await tx.getPipelineById(id);
      if (!rec || rec.program_version !== version) return false;
      update(rec, nowIso());
      if (!rec.program_status.startsWith('Compiling')) rec.refresh_version += 1;
      await tx.updatePipeline(rec);
      return true;
    });
  }

  private async compileOne(p: PipelineRecord): Promise<void> {
    const version = p.program_version;
    const moved = await this.setStatus(p.id, version, (rec, now) => {
      rec.program_status = 'CompilingSql';
      rec.program_status_since = now;
    });
    if (!moved) return;
    let outcome: CompileOutcome;
    try {
      outcome = this.compile(p.program_code);
    } catch (err) {
      this.log.error({ err, pipeline: p.name }, 'SQL compiler crashed');
      await this.setStatus(p.id, version, (rec, now) => {
        rec.program_status = 'SystemError';
        rec.program_status_since = now;
        rec.program_error = {
          sql_compilation: null,
          rust_compilation: null,
          system_error: `SQL compiler failed: ${(err as Error).message}`,
        };
      });
      return;
    }
    if (!outcome.ok) {
      const messages = outcome.messages;
      await this.setStatus(p.id, version, (rec, now) => {
        rec.program_status = 'SqlError';
        rec.program_status_since = now;
        rec.program_error = {
          sql_compilation: { exit_code: 1, messages },
          rust_compilation: null,
          system_error: null,
        };
      });
      this.log.info({ pipeline: p.name, errors: messages.length }, 'program has SQL errors');
      return;
    }
    const { programInfo, warnings } = outcome;
    // Walk the remaining states so that clients polling for them see each one.
    for (const status of ['SqlCompiled', 'CompilingRust'] as const) {
      await this.setStatus(p.id, version, (rec, now) => {
        rec.program_status = status;
        rec.program_status_since = now;
        rec.program_error = {
          sql_compilation: { exit_code: 0, messages: warnings },
          rust_compilation: null,
          system_error: null,
        };
        rec.program_info = programInfo;
      });
    }
    if (p.udf_rust.trim() !== '') {
      await this.setStatus(p.id, version, (rec, now) => {
        rec.program_status = 'RustError';
        rec.program_status_since = now;
        rec.program_error.rust_compilation = {
          exit_code: RUST_FAILED_EXIT_CODE,
          stdout: '',
          stderr: refusedRustUdfs(p.udf_rust),
        };
      });
      this.log.info({ pipeline: p.name }, 'program refused: it has Rust UDFs');
      return;
    }
    await this.setStatus(p.id, version, (rec, now) => {
      rec.program_status = 'Success';
      rec.program_status_since = now;
      // 0.312 reports the (here trivially) finished Rust build too: the SDK reads its exit code.
      rec.program_error.rust_compilation = { exit_code: 0, stdout: '', stderr: '' };
    });
    this.log.info({ pipeline: p.name }, 'program compiled');
  }
}
