/**
 * The SQL front end: parses a program, builds its catalog, binds and optimizes each view, and
 * reports every error it finds. Each statement is checked independently; a view that fails is
 * remembered as broken so views reading it do not repeat the error.
 */
import { collectConnectors } from '../connectors/collect.js';
import type { ConnectorSpec } from '../connectors/spec.js';
import { isIntervalType, typeToSql } from '../engine/values/types.js';
import type * as ast from './ast.js';
import { bindFunctionBody } from './bind-expr.js';
import { finalizeQuery, QueryBinder, type RelationSource, uniqueNames } from './bind-query.js';
import {
  Catalog,
  type ColumnInfo,
  findColumn,
  resolveType,
  type TableInfo,
  type UserTypes,
  type ViewInfo,
} from './catalog.js';
import { bindColumnDefault } from './column-default.js';
import { MessageSink, type Span, type SqlCompilerMessage, SqlError } from './messages.js';
import { implementNow } from './now.js';
import { optimize } from './optimize.js';
import { canonicalTokens, parseScript } from './parser.js';
import type { Column, Expr, Rel } from './plan.js';
import {
  checkDeclaredType,
  orderRecursiveViews,
  type RecursiveMembership,
  type ViewFacts,
} from './recursion.js';
import { Scope, VALIDATION_ERROR } from './scope.js';
import { refuseTimestampTzColumns } from './timestamp-tz.js';
import { BrokenFunctionCall, defineFunction, ProgramDefinitions } from './user-functions.js';

/** An error about a relation that already failed to compile; reported once, at its definition. */
class BrokenReference extends SqlError {}

export interface CompiledView {
  info: ViewInfo;
  plan: Rel;
  /** Set on the members of a recursive group (recursion.ts). */
  recursive?: RecursiveMembership;
}

/**
 * `CREATE INDEX name ON view(columns)`: Feldera's way to declare the unique key of an output
 * view, which output connectors may name (their `index` setting); it creates no state and
 * enforces nothing (reference, "Creating indexes").
 */
export interface IndexInfo {
  name: string;
  view: string;
  /** Positions of the key columns in the view. */
  columns: number[];
}

export interface FrontEndResult {
  tables: TableInfo[];
  /**
   * Every view, LOCAL ones included, in declaration order, except that a program with
   * recursive views has them in dependency order with each recursive group contiguous.
   */
  views: CompiledView[];
  /** `CREATE INDEX` declarations, in order (on LOCAL views too, where Feldera ignores them). */
  indexes: IndexInfo[];
  /** The connectors of tables and views (`WITH ('connectors' = ...)`), in declaration order. */
  connectors: ConnectorSpec[];
  errors: SqlCompilerMessage[];
  warnings: SqlCompilerMessage[];
  /** The program's tokens with layout, comments and unquoted case removed (for fingerprints). */
  canonicalText: string;
  /** Its user-defined types and SQL functions, which ad-hoc statements may use too. */
  definitions: UserTypes;
}

function fail(span: Span, message: string, type = VALIDATION_ERROR): never {
  throw new SqlError(span, type, message);
}

function toColumns(cols: ColumnInfo[]): Column[] {
  return cols.map((c) => ({ name: c.name, type: c.type }));
}

/** Resolves FROM names against the catalog of the program being compiled. */
class CatalogSource implements RelationSource {
  /** The relations resolved since it was last reset: what the statement being compiled reads. */
  reads = new Set<string>();

  constructor(
    private readonly catalog: Catalog,
    private readonly broken: Set<string>,
  ) {}

  resolve(name: ast.Ident): { name: string; columns: Column[] } {
    if (this.broken.has(name.name))
      throw new BrokenReference(name.span, VALIDATION_ERROR, `'${name.name}' has errors`);
    const rel = this.catalog.get(name.name);
    if (!rel) fail(name.span, `Object '${name.name}' not found`);
    this.reads.add(rel.name);
    return { name: rel.name, columns: toColumns(rel.columns) };
  }
}

function parseProperties(props: ast.Property[], sink: MessageSink): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of props) {
    if (out.has(p.key))
      sink.error(p.keySpan, VALIDATION_ERROR, `Duplicate key '${p.key}' in WITH properties`);
    out.set(p.key, p.value);
  }
  return out;
}

function materializedProperty(props: ast.Property[]): boolean {
  const p = props.find((x) => x.key === 'materialized');
  if (!p) return false;
  if (p.value !== 'true' && p.value !== 'false')
    fail(
      p.valueSpan,
      `Property 'materialized' must be 'true' or 'false', not '${p.value}'`,
      'Invalid property',
    );
  return p.value === 'true';
}

function buildTable(st: ast.CreateTable, sink: MessageSink, types: UserTypes): TableInfo {
  parseProperties(st.properties, sink);
  const columns: ColumnInfo[] = [];
  for (const def of st.columns) {
    if (columns.some((c) => c.name === def.name.name))
      fail(def.name.span, `Duplicate column '${def.name.name}' in table '${st.name.name}'`);
    const type = resolveType(def.type, !def.notNull, types);
    // Feldera's reference ("Time intervals"): a table column cannot have an interval type.
    if (isIntervalType(type))
      fail(
        def.type.span,
        `Column '${def.name.name}' has type ${typeToSql(type)}; tables cannot have interval columns`,
      );
    refuseTimestampTzColumns([{ name: def.name.name, type }], def.type.span, `table '${st.name.name}'`);
    const column: ColumnInfo = { name: def.name.name, caseSensitive: def.name.quoted, type };
    if (def.defaultValue)
      column.default = bindColumnDefault(
        { ...def, defaultValue: def.defaultValue },
        type,
        sink.text(def.defaultValue.span),
        types,
      );
    columns.push(column);
  }
  const columnKeys = st.columns.filter((c) => c.primaryKey);
  if (columnKeys.length > 0 && st.primaryKey)
    fail(st.primaryKey.span, `Table '${st.name.name}' declares its PRIMARY KEY twice`);
  const keyIdents = st.primaryKey?.columns ?? columnKeys.map((c) => c.name);
  let primaryKey: number[] | null = null;
  if (keyIdents.length > 0) {
    primaryKey = keyIdents.map((id) => {
      const i = findColumn(columns, id);
      if (i < 0) fail(id.span, `PRIMARY KEY column '${id.name}' is not a column of table '${st.name.name}'`);
      return i;
    });
    if (new Set(primaryKey).size !== primaryKey.length)
      fail(st.primaryKey?.span ?? st.span, 'A column appears twice in the PRIMARY KEY');
    for (const i of primaryKey) {
      const col = columns[i]!;
      if (col.type.nullable) {
        const def = st.columns[i]!;
        fail(
          { ...def.span, endCol: def.type.span.endCol, endLine: def.type.span.endLine },
          `PRIMARY KEY column '${col.name}' has type ${typeToSql(col.type)}, which is nullable`,
          'PRIMARY KEY cannot be nullable',
        );
      }
    }
  }
  return {
    kind: 'table',
    name: st.name.name,
    caseSensitive: st.name.quoted,
    columns,
    primaryKey,
    // Feldera materializes a table with a primary key: it keeps the key's index anyway.
    materialized: materializedProperty(st.properties) || primaryKey !== null,
    properties: st.properties,
  };
}

function buildView(st: ast.CreateView, binder: QueryBinder, sink: MessageSink): CompiledView {
  parseProperties(st.properties, sink);
  const emitFinal = st.properties.find((p) => p.key === 'emit_final');
  if (emitFinal)
    // Final rows are those past the waterline of LATENESS columns, which Sluice lacks.
    fail(
      emitFinal.keySpan,
      "The view property 'emit_final' is not supported: it needs LATENESS watermarks, which are not implemented",
      'Not yet implemented',
    );
  const materializedProp = st.properties.find((p) => p.key === 'materialized');
  if (materializedProp)
    fail(
      materializedProp.keySpan,
      "The 'materialized' property is not used for views; please use 'CREATE MATERIALIZED VIEW' instead",
      'Invalid property',
    );
  const bound = binder.bindQuery(st.query, null);
  if (bound.order.length > 0 && bound.limit === null && bound.offset === 0)
    sink.warning(
      st.query.span,
      'ORDER BY without LIMIT',
      'ORDER BY in a view has no effect without LIMIT; the view is an unordered set of rows',
    );
  let plan = finalizeQuery(bound);
  let names = plan.columns.map((c) => c.name);
  if (st.columnNames) {
    if (st.columnNames.length !== names.length)
      fail(
        st.name.span,
        `View '${st.name.name}' lists ${st.columnNames.length} column names but its query returns ${names.length} columns`,
      );
    names = st.columnNames.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) fail(st.name.span, `Duplicate column name '${dup}' in view '${st.name.name}'`);
  } else {
    names = uniqueNames(names);
  }
  plan = {
    ...implementNow(optimize(plan)),
    columns: plan.columns.map((c, i) => ({ name: names[i]!, type: c.type })),
  };
  // Feldera allows interval columns in LOCAL views only (its reference, "Data Types").
  for (const c of st.local ? [] : plan.columns)
    if (isIntervalType(c.type))
      fail(
        st.query.span,
        `Column '${c.name}' of view '${st.name.name}' has type ${typeToSql(c.type)}; interval columns are not supported in views`,
        'Not yet implemented',
      );
  if (!st.local) refuseTimestampTzColumns(plan.columns, st.query.span, `view '${st.name.name}'`);
  const quoted = new Set(st.columnNames?.filter((c) => c.quoted).map((c) => c.name));
  return {
    info: {
      kind: 'view',
      name: st.name.name,
      caseSensitive: st.name.quoted,
      columns: plan.columns.map((c) => ({
        name: c.name,
        caseSensitive: quoted.has(c.name) || c.name !== c.name.toLowerCase(),
        type: c.type,
      })),
      primaryKey: null,
      materialized: st.materialized,
      local: st.local,
      properties: st.properties,
    },
    plan,
  };
}

/** The catalog entry of `DECLARE RECURSIVE VIEW`: a view with the declared columns, not yet defined. */
function declareView(st: ast.DeclareRecursiveView, types: UserTypes): ViewInfo {
  const columns: ColumnInfo[] = [];
  for (const def of st.columns) {
    if (columns.some((c) => c.name === def.name.name))
      fail(def.name.span, `Duplicate column '${def.name.name}' in view '${st.name.name}'`);
    columns.push({
      name: def.name.name,
      caseSensitive: def.name.quoted,
      type: resolveType(def.type, !def.notNull, types),
    });
  }
  return {
    kind: 'view',
    name: st.name.name,
    caseSensitive: st.name.quoted,
    columns,
    primaryKey: null,
    materialized: false,
    local: false,
    properties: [],
  };
}

/** Checks a `CREATE INDEX`: a new name, on a view declared before it, over distinct columns of that view. */
function buildIndex(
  st: ast.CreateIndex,
  catalog: Catalog,
  broken: Set<string>,
  indexes: IndexInfo[],
): IndexInfo {
  if (indexes.some((i) => i.name === st.name.name))
    fail(st.name.span, `Duplicate definition of index '${st.name.name}'`, 'Duplicate definition');
  if (broken.has(st.relation.name)) throw new BrokenReference(st.relation.span, VALIDATION_ERROR, '');
  const rel = catalog.get(st.relation.name);
  if (!rel) fail(st.relation.span, `Object '${st.relation.name}' not found`);
  if (rel.kind !== 'view')
    fail(st.relation.span, `CREATE INDEX is only allowed on views; '${rel.name}' is a table`);
  const columns = st.columns.map((id, i) => {
    const index = findColumn(rel.columns, id);
    if (index < 0) fail(id.span, `Column '${id.name}' not found in view '${rel.name}'`);
    if (st.columns.findIndex((c) => c.name === id.name) !== i)
      fail(id.span, `Column '${id.name}' appears twice in index '${st.name.name}'`);
    return index;
  });
  return { name: st.name.name, view: rel.name, columns };
}

/** Compiles a whole program; `errors` is empty exactly when it can run. */
export function compileProgramSql(source: string): FrontEndResult {
  const sink = new MessageSink(source);
  const statements = parseScript(source, sink);
  const catalog = new Catalog();
  const broken = new Set<string>();
  const defs = new ProgramDefinitions();
  const types = defs.types;
  const relations = new CatalogSource(catalog, broken);
  const binder = new QueryBinder(relations, defs);
  const bindBody = (body: ast.Expr, params: ReadonlyMap<string, Expr>) =>
    bindFunctionBody(body, params, { scope: new Scope([]), subqueries: null, aggregates: null, types: defs });
  const indexes: IndexInfo[] = [];
  const tables: TableInfo[] = [];
  const views: CompiledView[] = [];
  /** `DECLARE RECURSIVE VIEW`s by name, with whether a definition came (or failed). */
  const declared = new Map<string, { span: Span; defined: boolean }>();
  const facts = new Map<string, ViewFacts>();
  for (const st of statements) {
    const nameOf =
      st.kind === 'createTable' || st.kind === 'createView' || st.kind === 'declareRecursiveView'
        ? st.name
        : null;
    const declaration = st.kind === 'createView' ? declared.get(st.name.name) : undefined;
    try {
      if (st.kind === 'createType') {
        if (types.has(st.name.name))
          fail(st.name.span, `Duplicate definition of type '${st.name.name}'`, 'Duplicate definition');
        types.set(st.name.name, resolveType(st.type, true, types));
        continue;
      }
      if (st.kind === 'createFunction') {
        defineFunction(st, defs, bindBody);
        continue;
      }
      if (st.kind === 'createIndex') {
        indexes.push(buildIndex(st, catalog, broken, indexes));
        continue;
      }
      if (!nameOf)
        fail(
          st.span,
          'Only CREATE TABLE, VIEW, TYPE, FUNCTION, INDEX and DECLARE RECURSIVE VIEW statements are allowed in a program',
          'Not yet implemented',
        );
      const awaited = declaration !== undefined && !declaration.defined;
      if ((catalog.has(nameOf.name) && !awaited) || broken.has(nameOf.name))
        fail(nameOf.span, `Duplicate definition of '${nameOf.name}'`, 'Duplicate definition');
      if (st.kind === 'declareRecursiveView') {
        catalog.add(declareView(st, types));
        declared.set(st.name.name, { span: st.name.span, defined: false });
      } else if (st.kind === 'createTable') {
        const table = buildTable(st, sink, types);
        catalog.add(table);
        tables.push(table);
      } else if (st.kind === 'createView') {
        relations.reads = new Set();
        if (declaration) declaration.defined = true;
        const view = buildView(st, binder, sink);
        if (declaration) {
          const columns = (catalog.get(st.name.name) as ViewInfo).columns;
          checkDeclaredType(st.name.name, columns, view.plan.columns, st.name.span);
          view.info.columns = columns;
          view.plan = { ...view.plan, columns: columns.map((c) => ({ name: c.name, type: c.type })) };
        }
        catalog.add(view.info);
        views.push(view);
        facts.set(st.name.name, { view, reads: relations.reads, span: st.name.span });
      }
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      if (nameOf && !catalog.has(nameOf.name)) broken.add(nameOf.name);
      if (st.kind === 'createFunction') defs.markBroken(st.name.name);
      if (!(e instanceof BrokenReference || e instanceof BrokenFunctionCall))
        sink.error(e.span, e.errorType, e.message);
    }
  }
  for (const [name, d] of declared) {
    if (d.defined) continue;
    const readers = [...facts.values()].filter((f) => f.reads.has(name));
    // A definition that failed to parse leaves its declaration unused: the error says enough.
    if (readers.length === 0 && sink.errors.length === 0)
      sink.warning(d.span, VALIDATION_ERROR, `Unused view declaration '${name}'`);
    else if (readers.length > 0)
      sink.error(d.span, VALIDATION_ERROR, `View '${name}' is declared recursive but never defined`);
  }
  const ordered =
    declared.size === 0 || sink.errors.length > 0
      ? views
      : orderRecursiveViews(
          views.map((v) => facts.get(v.info.name)!),
          new Set(declared.keys()),
          sink,
        );
  const connectors = collectConnectors(
    tables,
    ordered.map((v) => v.info),
    source,
    sink,
  );
  return {
    tables,
    views: ordered,
    indexes,
    connectors,
    errors: sink.errors,
    warnings: sink.warnings,
    canonicalText: canonicalTokens(source, new MessageSink(source)),
    definitions: defs,
  };
}
