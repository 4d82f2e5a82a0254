/**
 * Syntax tree produced by the parser. Every node carries its source span so later phases can
 * point at it. Identifiers are already canonical (unquoted ones lower-cased).
 */
import type { Span } from './messages.js';

export interface Ident {
  /** Canonical name: lower-cased when unquoted, exact when quoted. */
  name: string;
  quoted: boolean;
  span: Span;
}

/** A field of a `ROW(...)` type or of a `CREATE TYPE ... AS (...)`. */
export interface TypeField {
  name: Ident;
  type: TypeName;
  /** Explicit `NULL` (true) or `NOT NULL` (false); null when not said. */
  nullable: boolean | null;
}

export interface TypeName {
  /**
   * Upper-cased base name after aliases are resolved, e.g. INTEGER, UINTEGER, DOUBLE, VARCHAR;
   * TIMESTAMP_TZ for TIMESTAMP WITH TIME ZONE; or ARRAY, MAP, ROW for the compound forms, or
   * USER for a user-defined type's name.
   */
  name: string;
  precision?: number;
  scale?: number;
  /** ARRAY: the element type. */
  component?: TypeName;
  /** MAP: key and value types. */
  key?: TypeName;
  value?: TypeName;
  /** ROW: its fields. */
  fields?: TypeField[];
  /** USER: the type's name. */
  user?: Ident;
  /** INTERVAL: the qualifier's first and last field. */
  from?: IntervalUnit;
  to?: IntervalUnit | null;
  span: Span;
}

export interface Property {
  key: string;
  value: string;
  keySpan: Span;
  valueSpan: Span;
}

export interface ColumnDef {
  name: Ident;
  type: TypeName;
  notNull: boolean;
  primaryKey: boolean;
  /** `DEFAULT expr`: the value a JSON record that omits the column gets. */
  defaultValue: Expr | null;
  span: Span;
}

export interface CreateTable {
  kind: 'createTable';
  name: Ident;
  columns: ColumnDef[];
  /** Table-level `PRIMARY KEY (...)` clause, if any. */
  primaryKey: { columns: Ident[]; span: Span } | null;
  properties: Property[];
  span: Span;
}

export interface CreateView {
  kind: 'createView';
  name: Ident;
  columnNames: Ident[] | null;
  materialized: boolean;
  local: boolean;
  properties: Property[];
  query: Query;
  span: Span;
}

/**
 * `DECLARE RECURSIVE VIEW name(column type, ...)`: a forward declaration of a view that a
 * recursive (or mutually recursive) definition reads before it is defined (Feldera's reference,
 * "Mutually-Recursive Queries"). Columns carry no constraints or defaults.
 */
export interface DeclareRecursiveView {
  kind: 'declareRecursiveView';
  name: Ident;
  columns: ColumnDef[];
  span: Span;
}

export interface QueryStatement {
  kind: 'query';
  query: Query;
  span: Span;
}

export interface InsertStatement {
  kind: 'insert';
  table: Ident;
  columns: Ident[] | null;
  source: Query;
  span: Span;
}

/** `CREATE TYPE name AS (field type, ...)` (a structure) or `CREATE TYPE name AS type` (an alias). */
export interface CreateType {
  kind: 'createType';
  name: Ident;
  type: TypeName;
  span: Span;
}

/** A parameter of `CREATE FUNCTION`: nullable unless declared NOT NULL. */
export interface FunctionParam {
  name: Ident;
  type: TypeName;
  notNull: boolean;
}

/** `CREATE FUNCTION name(params) RETURNS type [NOT NULL] [AS expr]`; no body is a Rust UDF. */
export interface CreateFunction {
  kind: 'createFunction';
  name: Ident;
  params: FunctionParam[];
  returns: TypeName;
  returnsNotNull: boolean;
  body: Expr | null;
  span: Span;
}

/** `CREATE INDEX name ON view(columns)`: unique-key columns of a view, for output connectors. */
export interface CreateIndex {
  kind: 'createIndex';
  name: Ident;
  relation: Ident;
  columns: Ident[];
  span: Span;
}

export type Statement =
  | CreateTable
  | DeclareRecursiveView
  | CreateView
  | CreateType
  | CreateFunction
  | CreateIndex
  | QueryStatement
  | InsertStatement;

export interface OrderItem {
  expr: Expr;
  desc: boolean;
  /** Explicit NULLS FIRST/LAST, or null for the default (NULL is the smallest value, as in Feldera). */
  nullsFirst: boolean | null;
  span: Span;
}

/** `name [(columns)] AS (query)`: one common table expression of a `WITH` clause. */
export interface CommonTableExpr {
  name: Ident;
  columnAliases: Ident[] | null;
  query: Query;
  span: Span;
}

/** A query expression with its optional WITH, ORDER BY / LIMIT / OFFSET. */
export interface Query {
  kind: 'query';
  /** `WITH` items, visible to later items and to the body (not recursive). */
  with?: CommonTableExpr[];
  body: QueryBody;
  orderBy: OrderItem[];
  limit: Expr | null;
  offset: Expr | null;
  span: Span;
}

export type QueryBody = SelectCore | SetOperation | ValuesBody | Query;

export interface SelectCore {
  kind: 'select';
  distinct: boolean;
  items: SelectItem[];
  from: FromItem[];
  where: Expr | null;
  /** Every expression of GROUP BY, in order (also those inside ROLLUP, CUBE and GROUPING SETS). */
  groupBy: Expr[];
  /** GROUP BY's elements, present only when it uses ROLLUP, CUBE, GROUPING SETS or `()`. */
  grouping?: GroupingClause;
  having: Expr | null;
  span: Span;
}

/** A GROUP BY with grouping-set constructs: the cross product of its elements' grouping sets. */
export interface GroupingClause {
  /** `GROUP BY DISTINCT`: duplicate grouping sets count once (`GROUP BY ALL` keeps them). */
  distinct: boolean;
  elements: GroupElement[];
}

/**
 * One element of GROUP BY: `exprs` is one grouping set (an expression, `(a, b)` or `()`);
 * `rollup` and `cube` list their units (an expression or a parenthesized list each);
 * `sets` is GROUPING SETS, whose elements may themselves be any element.
 */
export type GroupElement =
  | { kind: 'exprs'; exprs: Expr[]; span: Span }
  | { kind: 'rollup' | 'cube'; units: Expr[][]; span: Span }
  | { kind: 'sets'; elements: GroupElement[]; span: Span };

export interface SetOperation {
  kind: 'setop';
  op: 'union' | 'except' | 'intersect';
  all: boolean;
  left: QueryBody;
  right: QueryBody;
  span: Span;
}

export interface ValuesBody {
  kind: 'values';
  rows: Expr[][];
  span: Span;
}

export type SelectItem =
  /** `*` or `t.*`, less the columns of `* EXCLUDE (...)` (or `EXCEPT (...)`). */
  | { kind: 'star'; qualifier: Ident | null; exclude?: Ident[]; span: Span }
  | { kind: 'expr'; expr: Expr; alias: Ident | null; span: Span };

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

export type FromItem =
  | { kind: 'table'; name: Ident; alias: Ident | null; span: Span }
  | { kind: 'subquery'; query: Query; alias: Ident | null; columnAliases: Ident[] | null; span: Span }
  /** `UNNEST(array or map) [WITH ORDINALITY] [AS alias [(columns)]]`; may read earlier FROM items. */
  | {
      kind: 'unnest';
      args: Expr[];
      ordinality: boolean;
      alias: Ident | null;
      columnAliases: Ident[] | null;
      span: Span;
    }
  | {
      kind: 'join';
      joinType: JoinType;
      left: FromItem;
      right: FromItem;
      on: Expr | null;
      using: Ident[] | null;
      /** `NATURAL` join: USING the columns both sides name alike (no ON, no USING). */
      natural?: boolean;
      span: Span;
    };

export type LiteralKind =
  | 'number'
  | 'string'
  | 'boolean'
  | 'null'
  | 'date'
  | 'time'
  | 'timestamp'
  /** `TIMESTAMP WITH TIME ZONE '2024-03-10 02:30:00 America/New_York'`: the text with its zone. */
  | 'timestamp_tz'
  /** `X'0AFF'`: the text is the hexadecimal digits. */
  | 'binary'
  | 'uuid';

export type IntervalUnit = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';

export type Expr =
  | { kind: 'column'; parts: Ident[]; span: Span }
  | { kind: 'literal'; literal: LiteralKind; text: string; span: Span }
  | { kind: 'interval'; text: string; from: IntervalUnit; to: IntervalUnit | null; span: Span }
  /** `INTERVAL expr unit`: a string read as an interval of the qualifier, or a number of units. */
  | { kind: 'intervalOf'; operand: Expr; from: IntervalUnit; to: IntervalUnit | null; span: Span }
  /** `(left - right) unit [TO unit]`: the difference of two dates, times or timestamps. */
  | { kind: 'intervalDiff'; left: Expr; right: Expr; from: IntervalUnit; to: IntervalUnit | null; span: Span }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; span: Span }
  | { kind: 'unary'; op: '-' | '+' | 'NOT'; operand: Expr; span: Span }
  /** `IS [NOT] NULL`, or `IS [NOT] UNKNOWN` (`unknown`: the same test, for BOOLEAN operands only). */
  | { kind: 'isNull'; operand: Expr; negated: boolean; unknown?: boolean; span: Span }
  | { kind: 'isBool'; operand: Expr; value: boolean; negated: boolean; span: Span }
  | { kind: 'isDistinct'; left: Expr; right: Expr; negated: boolean; span: Span }
  | {
      kind: 'between';
      operand: Expr;
      low: Expr;
      high: Expr;
      negated: boolean;
      /** `BETWEEN SYMMETRIC`: the bounds in either order. */
      symmetric?: boolean;
      span: Span;
    }
  | {
      kind: 'like';
      /** LIKE, case-insensitive ILIKE, or regular-expression RLIKE (which takes no ESCAPE). */
      op: 'like' | 'ilike' | 'rlike';
      operand: Expr;
      pattern: Expr;
      escape: Expr | null;
      negated: boolean;
      span: Span;
    }
  | { kind: 'inList'; operand: Expr; list: Expr[]; negated: boolean; span: Span }
  | { kind: 'inQuery'; operand: Expr; query: Query; negated: boolean; span: Span }
  | { kind: 'exists'; query: Query; span: Span }
  | { kind: 'subquery'; query: Query; span: Span }
  | {
      kind: 'case';
      operand: Expr | null;
      whens: { when: Expr; result: Expr }[];
      else: Expr | null;
      span: Span;
    }
  /** `CAST(x AS t)`, `x::t`, or with `safe` `SAFE_CAST(x AS t)` (NULL where the cast fails). */
  | { kind: 'cast'; operand: Expr; type: TypeName; safe?: boolean; span: Span }
  | {
      kind: 'call';
      name: string;
      args: Expr[];
      distinct: boolean;
      star: boolean;
      /**
       * The time unit of `FLOOR(x TO unit)`, `TIMESTAMPADD(unit, n, x)`, `DATE_TRUNC(x, unit)` and
       * the like, upper-cased; it is not among `args`.
       */
      unit?: { name: string; span: Span };
      span: Span;
      /** Aggregate calls: `FILTER (WHERE ...)`. */
      filter?: Expr;
      /** Aggregate calls: `IGNORE NULLS` (true) or `RESPECT NULLS` inside the parentheses. */
      ignoreNulls?: boolean;
      /** Aggregate calls: `ORDER BY ...` inside the parentheses. */
      orderBy?: OrderItem[];
    }
  | { kind: 'extract'; unit: string; operand: Expr; span: Span }
  /** `ARRAY[a, b]` or `ARRAY(a, b)`. */
  | { kind: 'array'; elements: Expr[]; span: Span }
  /** `MAP[k1, v1, k2, v2]`: keys and values alternate. */
  | { kind: 'map'; items: Expr[]; span: Span }
  /** `ROW(a, b)` or the tuple `(a, b)`. */
  | { kind: 'row'; fields: Expr[]; span: Span }
  /** `operand[index]`: array element (from 1), map value, or VARIANT member. */
  | { kind: 'subscript'; operand: Expr; index: Expr; span: Span }
  /** `(operand).field`: a ROW field or a VARIANT member by name. */
  | { kind: 'field'; operand: Expr; field: Ident; span: Span }
  | { kind: 'position'; needle: Expr; haystack: Expr; span: Span }
  | { kind: 'substring'; operand: Expr; start: Expr; length: Expr | null; span: Span }
  | { kind: 'trim'; mode: 'BOTH' | 'LEADING' | 'TRAILING'; chars: Expr | null; operand: Expr; span: Span }
  /** `x -> body` or `(x, y) -> body`: an argument of a higher-order function such as TRANSFORM. */
  | { kind: 'lambda'; params: Ident[]; body: Expr; span: Span }
  /** `(start, end) OVERLAPS (start, end)` and the other period predicates; `right` has one value for `CONTAINS x`. */
  | { kind: 'period'; op: PeriodOp; left: [Expr, Expr]; right: Expr[]; span: Span };

/** The period predicates of Feldera's reference ("Period predicate DATE/TIME/TIMESTAMP operators"). */
export type PeriodOp =
  | 'CONTAINS'
  | 'OVERLAPS'
  | 'EQUALS'
  | 'PRECEDES'
  | 'IMMEDIATELY PRECEDES'
  | 'SUCCEEDS'
  | 'IMMEDIATELY SUCCEEDS';
