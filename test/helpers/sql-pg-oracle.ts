/**
 * Differential-testing harness against PostgreSQL (PGlite: Postgres compiled to WASM, from
 * npm): drives a Sluice circuit and one Postgres database with the same random changes and
 * compares every table and view after every step, as sql-oracle.ts does against SQLite.
 *
 * One PGlite instance serves every case (starting it costs seconds; a case costs
 * milliseconds): each case gets a fresh schema. A step's changes and reads go to Postgres as
 * one multi-statement `exec`, written with literal values (integers, DECIMAL text and the
 * generator's fixed strings, which hold no quote), so a step is one round trip.
 */
import type { PGlite } from '@electric-sql/pglite';
import { type Circuit, compileProgram, type Program, type Value } from '../../src/engine/index.js';
import { ChangeGenerator, type TableChange } from './sql-changes.js';
import { type GenView, PG_DDL, ProgramGen } from './sql-generator.js';
import { addToBag, type Bag, bagDiff, bagOf } from './sql-oracle.js';
import { Random } from './sql-random.js';

const NUMERIC_OID = 1700;
const INT8_OID = 20;

/** A PGlite database whose NUMERIC and BIGINT values arrive as JS numbers (normalizeValue's form). */
export async function startPostgres(): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create({ parsers: { [NUMERIC_OID]: Number, [INT8_OID]: Number } });
}

/** SQL literal of a generated value (the generator's strings hold no quote). */
function literal(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

/** A generated change as one Postgres statement. */
function postgresStatement(change: TableChange): string {
  if (change.kind === 'insert-bag') return `INSERT INTO t3 VALUES (${change.row.map(literal).join(', ')});`;
  if (change.kind === 'delete-bag')
    return `DELETE FROM t3 WHERE ctid IN (SELECT ctid FROM t3 WHERE x IS NOT DISTINCT FROM ${literal(change.row[0]!)} AND y IS NOT DISTINCT FROM ${literal(change.row[1]!)} LIMIT 1);`;
  if (change.kind === 'delete-key') return `DELETE FROM ${change.table} WHERE id = ${change.id};`;
  const cols = change.table === 't1' ? ['a', 'b', 's', 'd', 'm'] : ['a', 'c', 's', 'm'];
  return `INSERT INTO ${change.table} VALUES (${change.row.map(literal).join(', ')}) ON CONFLICT (id) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')};`;
}

/** One generated program and change stream, run in Sluice and in Postgres. */
export class PostgresCase {
  readonly views: GenView[];
  readonly ourSql: string;
  readonly program: Program;
  checks = 0;
  private readonly r: Random;
  private readonly circuit: Circuit;
  private readonly generator: ChangeGenerator;
  private readonly contents = new Map<string, Bag>();

  /** With `views`, those views over the generated tables instead of random ones. */
  constructor(
    readonly seed: number,
    private readonly db: PGlite,
    views?: GenView[],
  ) {
    this.r = new Random(seed);
    if (views) this.views = views;
    else {
      const gen = new ProgramGen(this.r, 'postgres');
      const n = this.r.int(2, 4);
      for (let i = 0; i < n; i++) gen.addView();
      this.views = gen.views;
    }
    this.ourSql = `${PG_DDL.ours}\n${this.views.map((v) => `CREATE VIEW ${v.name} AS ${v.ours};`).join('\n')}`;
    const compiled = compileProgram(this.ourSql);
    if (!compiled.ok)
      throw new Error(
        `seed ${seed}: program does not compile:\n${this.ourSql}\n${JSON.stringify(compiled.errors, null, 1)}`,
      );
    this.program = compiled.program;
    this.circuit = this.program.instantiate();
    this.generator = new ChangeGenerator(this.r, true);
    for (const name of this.relations()) this.contents.set(name, new Map());
  }

  private relations(): string[] {
    return ['t1', 't2', 't3', ...this.views.map((v) => v.name)];
  }

  /** Creates this case's schema in Postgres (dropping the previous case's). */
  async setUp(): Promise<void> {
    await this.db.exec(
      `DROP SCHEMA IF EXISTS gen CASCADE; CREATE SCHEMA gen; SET search_path TO gen;\n${PG_DDL.pg}`,
    );
    for (const v of this.views) {
      try {
        await this.db.exec(`CREATE VIEW ${v.name} AS ${v.lite};`);
      } catch (e) {
        throw new Error(
          `seed ${this.seed}: Postgres rejects view ${v.name}: ${(e as Error).message}\n${v.lite}`,
        );
      }
    }
  }

  /** The generator's changes as Postgres statements. */
  private changes(): string[] {
    return this.generator.next(this.circuit).map(postgresStatement);
  }

  private fail(step: number, what: string, lines: string[]): never {
    throw new Error(
      `differential mismatch against Postgres (seed ${this.seed}, step ${step}) in ${what}:\n  ${lines.slice(0, 12).join('\n  ')}\nprogram:\n${this.ourSql}\npostgres views:\n${this.views.map((v) => `${v.name}: ${v.lite}`).join('\n')}`,
    );
  }

  /** Runs `steps` random steps, comparing every relation after each. */
  async run(steps: number): Promise<void> {
    const names = this.relations();
    for (let step = 1; step <= steps; step++) {
      const changes = this.changes();
      let out: ReturnType<Circuit['step']>;
      try {
        out = this.circuit.step();
      } catch (e) {
        this.fail(step, 'step()', [String((e as Error).message)]);
      }
      for (const [name, delta] of out) addToBag(this.contents.get(name)!, delta);
      const reads = names.map((n) => `SELECT * FROM ${n};`);
      let results: Awaited<ReturnType<PGlite['exec']>>;
      try {
        results = await this.db.exec([...changes, ...reads].join('\n'), { rowMode: 'array' });
      } catch (e) {
        this.fail(step, 'Postgres', [String((e as Error).message)]);
      }
      const answers = results.slice(changes.length);
      names.forEach((name, i) => {
        const oracle = bagOf(answers[i]!.rows as unknown[][]);
        const diff = bagDiff(this.contents.get(name)!, oracle, 'postgres');
        if (diff.length > 0) this.fail(step, name, diff);
        this.checks++;
      });
    }
  }
}

/** Runs `cases` generated programs from seed `first` against `db`; returns the view comparisons. */
export async function runPostgresDifferential(
  db: PGlite,
  first: number,
  cases: number,
  steps: number,
): Promise<number> {
  let checks = 0;
  for (let seed = first; seed < first + cases; seed++) {
    const c = new PostgresCase(seed, db);
    await c.setUp();
    await c.run(steps);
    checks += c.checks;
  }
  return checks;
}
