/**
 * `compileProgram`: the entry point of the engine. Runs the SQL front end and, if the program
 * is valid, returns a `Program`: its schema, relations and a factory of running circuits.
 */
import { createHash } from 'node:crypto';
import type { ConnectorSpec } from '../connectors/spec.js';
import {
  canonicalName,
  NO_USER_TYPES,
  type TableInfo,
  type UserTypes,
  type ViewInfo,
} from '../sql/catalog.js';
import { type CompiledView, compileProgramSql, type IndexInfo } from '../sql/compile.js';
import type { SqlCompilerMessage } from '../sql/messages.js';
import { type Circuit, CircuitInstance } from './circuit.js';
import { evaluateDefaults } from './defaults.js';
import { type RelationSignature, relationSignatures } from './relation-signatures.js';
import { type ProgramSchema, relationSchema } from './schema.js';

export type { TableInfo, ViewInfo };

/** Changes whenever the engine's state format or semantics change, so old checkpoints are rejected. */
export const ENGINE_VERSION = 'sluice-engine-2';

export type CompileResult =
  | { ok: true; program: Program; warnings: SqlCompilerMessage[] }
  | { ok: false; errors: SqlCompilerMessage[] };

export interface Program {
  /** SHA-256 (hex) of the program's canonical token stream and the engine version. */
  readonly fingerprint: string;
  readonly schema: ProgramSchema;
  readonly tables: TableInfo[];
  /** Output views (LOCAL views are internal and not listed). */
  readonly views: ViewInfo[];
  /** The connectors declared on tables and views. */
  readonly connectors: ConnectorSpec[];
  /** `CREATE INDEX` unique keys of output views (an index on a LOCAL view has no effect, as in Feldera). */
  readonly indexes: IndexInfo[];
  /** Its `CREATE TYPE`s and `CREATE FUNCTION`s, which ad-hoc statements may use too. */
  readonly definitions: UserTypes;
  /** Finds a table or output view: `"Quoted"` names are exact, others are case-insensitive. */
  lookupRelation(name: string): TableInfo | ViewInfo | undefined;
  /** What a program change is compared by (relation-signatures.ts), LOCAL views included. */
  relationSignatures(): RelationSignature[];
  instantiate(): Circuit;
}

class CompiledProgram implements Program {
  readonly schema: ProgramSchema;
  readonly views: ViewInfo[];
  readonly indexes: IndexInfo[];
  private readonly byName = new Map<string, TableInfo | ViewInfo>();

  constructor(
    readonly fingerprint: string,
    readonly tables: TableInfo[],
    /** Every view including LOCAL ones, in dependency order. */
    private readonly compiledViews: CompiledView[],
    readonly connectors: ConnectorSpec[],
    indexes: IndexInfo[],
    /** The program's `CREATE TYPE`s and `CREATE FUNCTION`s, for ad-hoc statements. */
    readonly definitions: UserTypes = NO_USER_TYPES,
  ) {
    this.views = compiledViews.filter((v) => !v.info.local).map((v) => v.info);
    this.indexes = indexes.filter((i) => this.views.some((v) => v.name === i.view));
    for (const r of [...tables, ...this.views]) this.byName.set(r.name, r);
    this.schema = { inputs: tables.map(relationSchema), outputs: this.views.map(relationSchema) };
  }

  lookupRelation(name: string): TableInfo | ViewInfo | undefined {
    return this.byName.get(canonicalName(name));
  }

  relationSignatures(): RelationSignature[] {
    return relationSignatures(this.tables, this.compiledViews);
  }

  instantiate(): Circuit {
    return new CircuitInstance(
      this.fingerprint,
      this.tables,
      this.compiledViews,
      (n) => this.resolve(n),
      this.definitions,
    );
  }

  /** Canonical name first (what step() reports), then the identifier rule. */
  private resolve(name: string): TableInfo | ViewInfo | undefined {
    return this.byName.get(name) ?? this.lookupRelation(name);
  }
}

/** Parses, type-checks and plans a SQL program; reports every error found. */
export function compileProgram(sql: string): CompileResult {
  const front = compileProgramSql(sql);
  if (front.errors.length > 0) return { ok: false, errors: [...front.errors, ...front.warnings] };
  const { tables, errors } = evaluateDefaults(front.tables, sql);
  if (errors.length > 0) return { ok: false, errors: [...errors, ...front.warnings] };
  const fingerprint = createHash('sha256').update(`${ENGINE_VERSION}\n${front.canonicalText}`).digest('hex');
  return {
    ok: true,
    program: new CompiledProgram(
      fingerprint,
      tables,
      front.views,
      front.connectors,
      front.indexes,
      front.definitions,
    ),
    warnings: front.warnings,
  };
}
