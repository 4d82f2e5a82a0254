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
import { type Circuit, compileProgram, Decimal, type Program, type Value } from '../../src/engine/index.js';
import { type GenView, PG_DDL, ProgramGen, STRINGS } from './sql-generator.js';
import { type Bag, bagDiff, bagOf, bagOfWeighted } from './sql-oracle.js';
import { Random } from './sql-random.js';

const NUMERIC_OID = 1700;
const INT8_OID = 20;

/** A PGlite database whose NUMERIC and BIGINT values arrive as JS numbers (normalizeValue's form). */
export async function startPostgres(): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create({ parsers: { [NUMERIC_OID]: Number, [INT8_OID]: Number } });
}

/** SQL literal of a generated value. */
function literal(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

type Row = Value[];

/** One generated program and change stream, run in Sluice and in Postgres. */
export class PostgresCase {
  readonly views: GenView[];
  readonly ourSql: string;
  readonly program: Program;
  checks = 0;
  private readonly r: Random;
  private readonly circuit: Circuit;
  private readonly t1 = new Map<number, Row>();
  private readonly t2 = new Map<number, Row>();
  private readonly t3: Row[] = [];
  private readonly contents = new Map<string, Bag>();

  constructor(
    readonly seed: number,
    private readonly db: PGlite,
  ) {
    this.r = new Random(seed);
    const gen = new ProgramGen(this.r, 'postgres');
    const n = this.r.int(2, 4);
    for (let i = 0; i < n; i++) gen.addView();
    this.views = gen.views;
    this.ourSql = `${PG_DDL.ours}\n${this.views.map((v) => `CREATE VIEW ${v.name} AS ${v.ours};`).join('\n')}`;
    const compiled = compileProgram(this.ourSql);
    if (!compiled.ok)
      throw new Error(
        `seed ${seed}: program does not compile:\n${this.ourSql}\n${JSON.stringify(compiled.errors, null, 1)}`,
      );
    this.program = compiled.program;
    this.circuit = this.program.instantiate();
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

  private int(): number | null {
    return this.r.chance(0.15) ? null : this.r.int(-3, 5);
  }

  private str(): string | null {
    return this.r.chance(0.15) ? null : this.r.pick(STRINGS);
  }

  private dbl(): number | null {
    return this.r.chance(0.15) ? null : this.r.int(-8, 8) / 4;
  }

  /** A DECIMAL(6, 2) value as its text (the ingress form), small enough that products fit. */
  private dec(): string | null {
    return this.r.chance(0.15) ? null : (this.r.int(-2000, 2000) / 100).toFixed(2);
  }

  /** Random inserts, upserts and deletes on the three tables; returns Postgres's statements. */
  private changes(): string[] {
    const r = this.r;
    const sql: string[] = [];
    const ops = r.int(1, 8);
    for (let i = 0; i < ops; i++) {
      const which = r.int(0, 2);
      if (which === 2) {
        if (this.t3.length > 0 && r.chance(0.35)) {
          const idx = r.int(0, this.t3.length - 1);
          const row = this.t3[idx]!;
          this.t3.splice(idx, 1);
          sql.push(
            `DELETE FROM t3 WHERE ctid IN (SELECT ctid FROM t3 WHERE x IS NOT DISTINCT FROM ${literal(row[0]!)} AND y IS NOT DISTINCT FROM ${literal(row[1]!)} LIMIT 1);`,
          );
          this.circuit.push('t3', [{ row, weight: -1 }]);
        } else {
          const row = [this.int(), this.int()];
          this.t3.push(row);
          sql.push(`INSERT INTO t3 VALUES (${row.map(literal).join(', ')});`);
          this.circuit.push('t3', [{ row, weight: 1 }]);
        }
        continue;
      }
      const table = which === 0 ? this.t1 : this.t2;
      const name = which === 0 ? 't1' : 't2';
      const id = r.int(1, 12);
      const arity = which === 0 ? 6 : 5;
      if (table.has(id) && r.chance(0.3)) {
        table.delete(id);
        sql.push(`DELETE FROM ${name} WHERE id = ${id};`);
        // Deletes by key alone half of the time.
        const row = r.chance(0.5) ? [id] : [id, ...new Array(arity - 1).fill(null)];
        this.circuit.push(name, [{ row, weight: -1 }]);
      } else {
        const text =
          which === 0
            ? [id, this.int(), this.int(), this.str(), this.dbl(), this.dec()]
            : [id, this.int(), this.int(), this.str(), this.dec()];
        table.set(id, text);
        const cols = which === 0 ? ['a', 'b', 's', 'd', 'm'] : ['a', 'c', 's', 'm'];
        sql.push(
          `INSERT INTO ${name} VALUES (${text.map(literal).join(', ')}) ON CONFLICT (id) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')};`,
        );
        // The last column is the DECIMAL one: the engine holds it as a Decimal.
        const row = text.map((v, i) => (i === arity - 1 && v !== null ? Decimal.parse(String(v))! : v));
        this.circuit.push(name, [{ row, weight: 1 }]);
      }
    }
    return sql;
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
      for (const [name, delta] of out) {
        const bag = this.contents.get(name)!;
        for (const [k, w] of bagOfWeighted(delta)) {
          const n = (bag.get(k) ?? 0) + w;
          if (n === 0) bag.delete(k);
          else bag.set(k, n);
        }
      }
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
