/**
 * Random SQL programs for differential testing against SQLite. Every expression is generated
 * once and printed in two dialects: Sluice's and SQLite's (they differ in a few spellings,
 * e.g. `SUBSTRING(s FROM i FOR n)` vs `substr(s, i, n)`, and in integer AVG). Generation is
 * type-directed, so every program type-checks, and it avoids what the engines legitimately
 * disagree on: division by zero (Sluice fails, SQLite returns NULL), ties under LIMIT (every
 * ORDER BY lists all output columns), and non-ASCII text.
 */
import type { Random } from './sql-random.js';

export type Ty = 'int' | 'str' | 'bool' | 'dbl';

/** An expression in both dialects. */
export interface Both {
  ours: string;
  lite: string;
}

export interface GenColumn {
  /** Reference text (possibly qualified), the same in both dialects. */
  ref: string;
  ty: Ty;
}

export interface GenRelation {
  name: string;
  columns: { name: string; ty: Ty }[];
}

export interface GenView {
  name: string;
  ours: string;
  lite: string;
  columns: { name: string; ty: Ty }[];
}

const same = (s: string): Both => ({ ours: s, lite: s });
const map = (parts: Both[], f: (...xs: string[]) => string): Both => ({
  ours: f(...parts.map((p) => p.ours)),
  lite: f(...parts.map((p) => p.lite)),
});

/** The fixed tables of every generated program. */
export const TABLES: GenRelation[] = [
  {
    name: 't1',
    columns: [
      { name: 'id', ty: 'int' },
      { name: 'a', ty: 'int' },
      { name: 'b', ty: 'int' },
      { name: 's', ty: 'str' },
      { name: 'd', ty: 'dbl' },
    ],
  },
  {
    name: 't2',
    columns: [
      { name: 'id', ty: 'int' },
      { name: 'a', ty: 'int' },
      { name: 'c', ty: 'int' },
      { name: 's', ty: 'str' },
    ],
  },
  {
    name: 't3',
    columns: [
      { name: 'x', ty: 'int' },
      { name: 'y', ty: 'int' },
    ],
  },
];

export const DDL = {
  ours: (materialized: boolean) => {
    const m = materialized ? " WITH ('materialized' = 'true')" : '';
    return [
      `CREATE TABLE t1 (id INT NOT NULL PRIMARY KEY, a INT, b INT, s VARCHAR, d DOUBLE)${m};`,
      `CREATE TABLE t2 (id INT NOT NULL PRIMARY KEY, a INT, c INT, s VARCHAR)${m};`,
      `CREATE TABLE t3 (x INT, y INT)${m};`,
    ].join('\n');
  },
  lite: [
    'CREATE TABLE t1 (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, s TEXT, d REAL);',
    'CREATE TABLE t2 (id INTEGER PRIMARY KEY, a INTEGER, c INTEGER, s TEXT);',
    'CREATE TABLE t3 (x INTEGER, y INTEGER);',
  ].join('\n'),
};

export const STRINGS = ['a', 'b', 'ab', 'ba', 'abc', ' a ', 'B', ''];

/** Generates typed expressions over a list of columns. */
export class ExprGen {
  constructor(
    private readonly r: Random,
    private readonly cols: GenColumn[],
  ) {}

  private column(ty: Ty): Both | null {
    const cs = this.cols.filter((c) => c.ty === ty);
    return cs.length === 0 ? null : same(this.r.pick(cs).ref);
  }

  expr(ty: Ty, depth: number): Both {
    switch (ty) {
      case 'int':
        return this.int(depth);
      case 'str':
        return this.str(depth);
      case 'bool':
        return this.bool(depth);
      case 'dbl':
        return this.dbl(depth);
    }
  }

  int(depth: number): Both {
    const r = this.r;
    if (depth <= 0 || r.chance(0.35)) {
      const c = this.column('int');
      if (c && r.chance(0.8)) return c;
      return same(String(r.int(-4, 6)));
    }
    const a = () => this.int(depth - 1);
    switch (r.int(0, 12)) {
      case 0:
        return map([a(), a()], (x, y) => `(${x} + ${y})`);
      case 1:
        return map([a(), a()], (x, y) => `(${x} - ${y})`);
      case 2:
        return map([a(), a()], (x, y) => `(${x} * ${y})`);
      case 3:
        return map([a(), a()], (x, y) => `(${x} / (ABS(${y}) + 1))`);
      case 4:
        return map([a(), a()], (x, y) => `(${x} % (ABS(${y}) + 1))`);
      case 5:
        return map([a()], (x) => `ABS(${x})`);
      case 6:
        return map([this.bool(depth - 1), a(), a()], (c, x, y) => `CASE WHEN ${c} THEN ${x} ELSE ${y} END`);
      case 7:
        return map([a(), a()], (x, y) => `COALESCE(${x}, ${y})`);
      case 8:
        return map([a(), a()], (x, y) => `NULLIF(${x}, ${y})`);
      case 9:
        return map([a()], (x) => `(- ${x})`);
      case 10: {
        const s = this.str(depth - 1);
        return { ours: `CHAR_LENGTH(${s.ours})`, lite: `length(${s.lite})` };
      }
      case 11: {
        const n = this.str(depth - 1);
        const h = this.str(depth - 1);
        return { ours: `POSITION(${n.ours} IN ${h.ours})`, lite: `instr(${h.lite}, ${n.lite})` };
      }
      default:
        return map([a(), this.bool(depth - 1)], (x, c) => `CASE WHEN ${c} THEN ${x} END`);
    }
  }

  str(depth: number): Both {
    const r = this.r;
    if (depth <= 0 || r.chance(0.4)) {
      const c = this.column('str');
      if (c && r.chance(0.8)) return c;
      return same(`'${r.pick(STRINGS)}'`);
    }
    const a = () => this.str(depth - 1);
    switch (r.int(0, 11)) {
      case 0:
        return map([a(), a()], (x, y) => `(${x} || ${y})`);
      case 1:
        return map([a()], (x) => `UPPER(${x})`);
      case 2:
        return map([a()], (x) => `LOWER(${x})`);
      case 3: {
        const s = a();
        const from = r.int(1, 3);
        const len = r.int(0, 3);
        return {
          ours: `SUBSTRING(${s.ours} FROM ${from} FOR ${len})`,
          lite: `substr(${s.lite}, ${from}, ${len})`,
        };
      }
      case 4:
        return map([a()], (x) => `TRIM(${x})`);
      case 5:
        return map([a()], (x) => `REPLACE(${x}, 'a', 'xy')`);
      case 6:
        return map([a(), a()], (x, y) => `COALESCE(${x}, ${y})`);
      default:
        return map([this.bool(depth - 1), a(), a()], (c, x, y) => `CASE WHEN ${c} THEN ${x} ELSE ${y} END`);
    }
  }

  dbl(depth: number): Both {
    const r = this.r;
    if (depth <= 0 || r.chance(0.4)) {
      const c = this.column('dbl');
      if (c && r.chance(0.8)) return c;
      return same(`${r.int(-8, 8) / 4}e0`);
    }
    const a = () => this.dbl(depth - 1);
    switch (r.int(0, 3)) {
      case 0:
        return map([a(), a()], (x, y) => `(${x} + ${y})`);
      case 1:
        return map([a(), a()], (x, y) => `(${x} - ${y})`);
      case 2: {
        const i = this.int(depth - 1);
        return { ours: `CAST(${i.ours} AS DOUBLE)`, lite: `CAST(${i.lite} AS REAL)` };
      }
      default:
        return map([a()], (x) => `ABS(${x})`);
    }
  }

  bool(depth: number): Both {
    const r = this.r;
    const ty = r.pick<Ty>(['int', 'int', 'str', 'dbl']);
    const operand = () =>
      this.cols.some((c) => c.ty === ty) || ty !== 'dbl' ? this.expr(ty, depth - 1) : this.int(depth - 1);
    if (depth <= 0) {
      const x = operand();
      const y = operand();
      const op = r.pick(['=', '<>', '<', '<=', '>', '>=']);
      return map([x, y], (p, q) => `(${p} ${op} ${q})`);
    }
    const b = () => this.bool(depth - 1);
    const not = r.chance(0.3) ? 'NOT ' : '';
    switch (r.int(0, 10)) {
      case 0:
      case 1: {
        const x = operand();
        const y = operand();
        const op = r.pick(['=', '<>', '<', '<=', '>', '>=']);
        return map([x, y], (p, q) => `(${p} ${op} ${q})`);
      }
      case 2:
        return map([operand()], (x) => `(${x} IS ${not}NULL)`);
      case 3:
        return map([b()], (x) => `(NOT ${x})`);
      case 4:
        return map([b(), b()], (x, y) => `(${x} AND ${y})`);
      case 5:
        return map([b(), b()], (x, y) => `(${x} OR ${y})`);
      case 6: {
        const x = this.int(depth - 1);
        const lo = this.int(depth - 1);
        const hi = this.int(depth - 1);
        return map([x, lo, hi], (p, l, h) => `(${p} ${not}BETWEEN ${l} AND ${h})`);
      }
      case 7: {
        const list = [
          String(r.int(-2, 3)),
          String(r.int(-2, 3)),
          r.chance(0.3) ? 'NULL' : String(r.int(0, 5)),
        ];
        return map([this.int(depth - 1)], (x) => `(${x} ${not}IN (${list.join(', ')}))`);
      }
      case 8: {
        const pattern = r.pick(['a%', '%b', '_', '%a%', 'a_c', '%']);
        return map([this.str(depth - 1)], (x) => `(${x} ${not}LIKE '${pattern}')`);
      }
      case 9: {
        const truth = r.chance(0.5) ? 'TRUE' : 'FALSE';
        return map([b()], (x) => `(${x} IS ${not}${truth})`);
      }
      default:
        return map(
          [this.int(depth - 1), this.int(depth - 1)],
          (x, y) => `(${x} IS ${not}DISTINCT FROM ${y})`,
        );
    }
  }
}

/** Generates views over the fixed tables and earlier views. */
export class ProgramGen {
  readonly views: GenView[] = [];

  constructor(private readonly r: Random) {}

  private relations(): GenRelation[] {
    return [...TABLES, ...this.views];
  }

  /** One FROM clause: a table/view, or a join of two. Returns its text and visible columns. */
  private from(): { text: Both; cols: GenColumn[] } {
    const r = this.r;
    const rels = this.relations();
    const first = r.pick(rels);
    const colsOf = (rel: GenRelation, alias: string) =>
      rel.columns.map((c) => ({ ref: `${alias}.${c.name}`, ty: c.ty }));
    if (r.chance(0.55)) return { text: same(`${first.name} AS r1`), cols: colsOf(first, 'r1') };
    const second = r.pick(rels);
    const left = colsOf(first, 'r1');
    const right = colsOf(second, 'r2');
    const kind = r.pick(['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'JOIN', 'CROSS JOIN']);
    if (kind === 'CROSS JOIN')
      return { text: same(`${first.name} AS r1 CROSS JOIN ${second.name} AS r2`), cols: [...left, ...right] };
    const lk = left.filter((c) => c.ty === 'int');
    const rk = right.filter((c) => c.ty === 'int');
    if (lk.length === 0 || rk.length === 0)
      return { text: same(`${first.name} AS r1 CROSS JOIN ${second.name} AS r2`), cols: [...left, ...right] };
    let on = map([same(`${r.pick(lk).ref}`), same(`${r.pick(rk).ref}`)], (x, y) => `${x} = ${y}`);
    if (r.chance(0.3)) {
      const extra = new ExprGen(r, [...left, ...right]).bool(1);
      on = map([on, extra], (x, y) => `${x} AND ${y}`);
    }
    return {
      text: map([on], (o) => `${first.name} AS r1 ${kind} ${second.name} AS r2 ON ${o}`),
      cols: [...left, ...right],
    };
  }

  /** A subquery predicate on `cols` (IN, NOT IN, EXISTS, NOT EXISTS, scalar comparison). */
  private subqueryPredicate(cols: GenColumn[]): Both {
    const r = this.r;
    const inner = r.pick(TABLES);
    const innerInts = inner.columns.filter((c) => c.ty === 'int').map((c) => `q.${c.name}`);
    const outerInt = new ExprGen(r, cols).int(1);
    const innerWhere = new ExprGen(
      r,
      inner.columns.map((c) => ({ ref: `q.${c.name}`, ty: c.ty })),
    ).bool(1);
    switch (r.int(0, 4)) {
      case 0:
      case 1: {
        const not = r.chance(0.4) ? 'NOT ' : '';
        const col = r.pick(innerInts);
        return map(
          [outerInt, innerWhere],
          (x, w) => `(${x} ${not}IN (SELECT ${col} FROM ${inner.name} AS q WHERE ${w}))`,
        );
      }
      case 2:
      case 3: {
        const not = r.chance(0.4) ? 'NOT ' : '';
        const outerCols = cols.filter((c) => c.ty === 'int');
        if (outerCols.length === 0) return same('TRUE');
        const corr = `q.${r.pick(inner.columns.filter((c) => c.ty === 'int')).name} = ${r.pick(outerCols).ref}`;
        return map(
          [innerWhere],
          (w) => `(${not}EXISTS (SELECT 1 FROM ${inner.name} AS q WHERE ${corr} AND ${w}))`,
        );
      }
      default: {
        const agg = r.pick(['MAX', 'MIN', 'COUNT']);
        const col = r.pick(innerInts);
        return map(
          [outerInt, innerWhere],
          (x, w) => `(${x} < (SELECT ${agg}(${col}) FROM ${inner.name} AS q WHERE ${w}))`,
        );
      }
    }
  }

  /** One SELECT block; returns its text and output column types. */
  private select(forcedTypes?: Ty[]): { text: Both; types: Ty[] } {
    const r = this.r;
    const { text: from, cols } = this.from();
    const g = new ExprGen(r, cols);
    let where: Both | null = null;
    if (r.chance(0.5)) where = g.bool(2);
    if (r.chance(0.3)) {
      const sub = this.subqueryPredicate(cols);
      const conj = r.pick(['AND', 'OR']);
      where = where ? map([where, sub], (a, b) => `${a} ${conj} ${b}`) : sub;
    }
    const whereText = (w: Both | null) => (w ? map([w], (x) => ` WHERE ${x}`) : same(''));
    const grouped = !forcedTypes && r.chance(0.4);
    if (grouped) {
      const keyCount = r.int(0, 2);
      const keys: { e: Both; ty: Ty }[] = [];
      for (let i = 0; i < keyCount; i++) {
        const ty = r.pick<Ty>(['int', 'int', 'str']);
        const candidates = cols.filter((c) => c.ty === ty);
        const key = candidates.length > 0 && r.chance(0.7) ? same(r.pick(candidates).ref) : g.expr(ty, 1);
        // SQLite reads an integer constant in GROUP BY (even `(- 6)`) as a select-list position.
        const constantInt = ty === 'int' && !/\br\d\./.test(key.ours);
        keys.push({ e: constantInt ? map([key], (k) => `(${k} + 0)`) : key, ty });
      }
      const aggs: { e: Both; ty: Ty }[] = [];
      const n = r.int(1, 3);
      for (let i = 0; i < n; i++) aggs.push(this.aggregate(g));
      const items = [...keys, ...aggs];
      const select = items.map((it, i) => map([it.e], (x) => `${x} AS c${i}`));
      let having = same('');
      if (r.chance(0.3)) {
        const h = this.aggregate(g);
        const bound = r.int(0, 3);
        if (h.ty === 'int') having = map([h.e], (x) => ` HAVING ${x} > ${bound}`);
      }
      const groupBy = keys.length
        ? map(
            keys.map((k) => k.e),
            (...xs) => ` GROUP BY ${xs.join(', ')}`,
          )
        : same('');
      const text = map([...select, from, whereText(where), groupBy, having], (...parts) => {
        const sel = parts.slice(0, select.length).join(', ');
        const [f, w, gb, hv] = parts.slice(select.length);
        return `SELECT ${sel} FROM ${f}${w}${gb}${hv}`;
      });
      return { text, types: items.map((i) => i.ty) };
    }
    const types =
      forcedTypes ??
      Array.from({ length: r.int(1, 3) }, () => r.pick<Ty>(['int', 'int', 'str', 'bool', 'dbl']));
    const exprs = types.map((ty) => g.expr(ty, r.int(0, 2)));
    const distinct = r.chance(0.2) ? 'DISTINCT ' : '';
    const text = map([...exprs, from, whereText(where)], (...parts) => {
      const sel = parts
        .slice(0, exprs.length)
        .map((x, i) => `${x} AS c${i}`)
        .join(', ');
      return `SELECT ${distinct}${sel} FROM ${parts[exprs.length]}${parts[exprs.length + 1]}`;
    });
    return { text, types };
  }

  private aggregate(g: ExprGen): { e: Both; ty: Ty } {
    const r = this.r;
    switch (r.int(0, 11)) {
      case 0:
        return { e: same('COUNT(*)'), ty: 'int' };
      case 1: {
        const d = r.chance(0.3) ? 'DISTINCT ' : '';
        return { e: map([g.int(1)], (x) => `COUNT(${d}${x})`), ty: 'int' };
      }
      case 2: {
        const x = g.int(1);
        const d = r.chance(0.2) ? 'DISTINCT ' : '';
        return { e: map([x], (v) => `SUM(${d}${v})`), ty: 'int' };
      }
      case 3: {
        const x = g.int(1);
        return { e: { ours: `AVG(${x.ours})`, lite: `CAST(AVG(${x.lite}) AS INTEGER)` }, ty: 'int' };
      }
      case 4:
        return { e: map([g.int(1)], (x) => `MIN(${x})`), ty: 'int' };
      case 5:
        return { e: map([g.str(1)], (x) => `MAX(${x})`), ty: 'str' };
      case 6:
        return { e: map([g.dbl(1)], (x) => `SUM(${x})`), ty: 'dbl' };
      case 8:
        return { e: map([g.int(1), g.bool(1)], (x, w) => `SUM(${x}) FILTER (WHERE ${w})`), ty: 'int' };
      case 9: {
        // COUNTIF(b) is COUNT(*) FILTER (WHERE b), which SQLite has.
        const b = g.bool(1);
        return { e: { ours: `COUNTIF(${b.ours})`, lite: `COUNT(*) FILTER (WHERE ${b.lite})` }, ty: 'int' };
      }
      case 10: {
        // SQLite's booleans are 0 and 1, so EVERY is MIN and SOME is MAX (both ignore NULL).
        const b = g.bool(1);
        const every = r.chance(0.5);
        const ours = `${every ? r.pick(['EVERY', 'BOOL_AND']) : r.pick(['SOME', 'BOOL_OR'])}(${b.ours})`;
        return { e: { ours, lite: `${every ? 'MIN' : 'MAX'}(${b.lite})` }, ty: 'bool' };
      }
      case 11:
        return {
          e: map([g.int(1), g.int(1)], (x, y) => `MIN(${x}) FILTER (WHERE ${y} IS NOT NULL)`),
          ty: 'int',
        };
      default:
        return { e: map([g.int(1)], (x) => `MAX(${x})`), ty: 'int' };
    }
  }

  /** Adds one view and returns it. */
  addView(): GenView {
    const r = this.r;
    let body: { text: Both; types: Ty[] };
    const roll = r.next();
    if (roll < 0.15) {
      const left = this.select(undefined);
      const right = this.select(left.types);
      const op = r.pick(['UNION', 'UNION ALL', 'EXCEPT', 'INTERSECT']);
      body = { text: map([left.text, right.text], (a, b) => `${a} ${op} ${b}`), types: left.types };
    } else {
      body = this.select();
    }
    const columns = body.types.map((ty, i) => ({ name: `c${i}`, ty }));
    let text = body.text;
    if (r.chance(0.2)) {
      const order = columns
        .map((c) => `${c.name} ${r.chance(0.5) ? 'DESC' : 'ASC'} NULLS ${r.chance(0.5) ? 'FIRST' : 'LAST'}`)
        .join(', ');
      const limit = `LIMIT ${r.int(0, 4)}${r.chance(0.3) ? ` OFFSET ${r.int(1, 2)}` : ''}`;
      text = map([text], (t) => `SELECT * FROM (${t}) AS sub ORDER BY ${order} ${limit}`);
    }
    const view: GenView = { name: `v${this.views.length}`, ours: text.ours, lite: text.lite, columns };
    this.views.push(view);
    return view;
  }
}
