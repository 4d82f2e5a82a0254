/**
 * Recursive-descent parser for Sluice's SQL dialect (a subset of Feldera's Calcite grammar):
 * statements and queries here, expressions in parse-expr.ts, the token cursor in
 * token-stream.ts.
 *
 * Errors are `SqlError` exceptions; `parseScript` catches each one, records it, skips to the
 * next `;` and goes on, so every statement gets parsed and all syntax errors are reported.
 */
import type {
  ColumnDef,
  CommonTableExpr,
  CreateFunction,
  CreateIndex,
  CreateTable,
  CreateType,
  CreateView,
  DeclareRecursiveView,
  Expr,
  FromItem,
  GroupElement,
  GroupingClause,
  Ident,
  InsertStatement,
  JoinType,
  OrderItem,
  Property,
  Query,
  QueryBody,
  SelectCore,
  SelectItem,
  Statement,
  TypeName,
} from './ast.js';
import { type Token, tokenize } from './lexer.js';
import { joinSpans, type MessageSink, type Span, SqlError } from './messages.js';
import { ExpressionParser } from './parse-expr.js';
import { NAMES_AFTER_AS, UNSUPPORTED } from './token-stream.js';

/** Clauses that may follow a query in Feldera's dialect and that Sluice refuses by name. */
const UNSUPPORTED_CLAUSES = new Set(['QUALIFY', 'MATCH_RECOGNIZE', 'TABLESAMPLE', 'FOR', 'PIVOT', 'UNPIVOT']);

class Parser extends ExpressionParser {
  // ---- statements ----------------------------------------------------------------------

  /** Parses one statement starting at the current token; `expecting` names the statements allowed. */
  parseStatement(expecting: string): Statement {
    const start = this.peek();
    if (this.isKeyword('CREATE')) return this.parseCreate();
    if (this.isKeyword('INSERT')) return this.parseInsert();
    if (this.isQueryStart() || this.isOp('(')) {
      const query = this.parseQuery();
      return { kind: 'query', query, span: query.span };
    }
    // Feldera's own statements (reference: streaming, recursion), refused by name.
    if (start.kind === 'ident' && start.upper === 'LATENESS')
      this.fail('LATENESS statements are not supported', start.span, UNSUPPORTED);
    if (start.kind === 'ident' && start.upper === 'DECLARE') return this.parseDeclareRecursiveView();
    return this.fail(this.encountered(start, expecting));
  }

  /** `DECLARE RECURSIVE VIEW name(column type [NOT NULL], ...)`, without constraints or defaults. */
  protected parseDeclareRecursiveView(): DeclareRecursiveView {
    const start = this.next().span;
    this.expectKeyword('RECURSIVE');
    this.expectKeyword('VIEW');
    const name = this.parseIdent('a view name');
    this.expectOp('(');
    const columns: ColumnDef[] = [];
    do {
      const column = this.parseColumnDef();
      if (column.primaryKey || column.defaultValue)
        this.fail('A recursive view declaration lists column names and types only', column.span);
      columns.push(column);
    } while (this.acceptOp(','));
    this.expectOp(')');
    return { kind: 'declareRecursiveView', name, columns, span: joinSpans(start, this.prevSpan()) };
  }

  protected parseCreate(): CreateTable | CreateView | CreateType | CreateFunction | CreateIndex {
    const start = this.expectKeyword('CREATE').span;
    let materialized = false;
    let local = false;
    if (this.acceptKeyword('MATERIALIZED')) materialized = true;
    else if (this.acceptKeyword('LOCAL')) local = true;
    if (this.isKeyword('TABLE') && !materialized && !local) return this.parseCreateTable(start);
    if (this.acceptKeyword('VIEW')) return this.parseCreateView(start, materialized, local);
    if (this.isKeyword('TYPE') && !materialized && !local) return this.parseCreateType(start);
    if (this.isKeyword('FUNCTION') && !materialized && !local) return this.parseCreateFunction(start);
    if (this.isKeyword('INDEX') && !materialized && !local) return this.parseCreateIndex(start);
    const t = this.peek();
    if (t.kind === 'ident' && ['AGGREGATE', 'LINEAR'].includes(t.upper))
      this.fail(`CREATE ${t.upper} is not supported`, t.span, UNSUPPORTED);
    return this.fail(this.encountered(t, 'TABLE or VIEW'));
  }

  /** `CREATE FUNCTION name([param type [NOT NULL], ...]) RETURNS type [NOT NULL] [AS expr]`. */
  protected parseCreateFunction(start: Span): CreateFunction {
    this.expectKeyword('FUNCTION');
    const name = this.parseIdent('a function name');
    this.expectOp('(');
    const params: CreateFunction['params'] = [];
    if (!this.isOp(')'))
      do {
        const pname = this.parseIdent('a parameter name');
        params.push({ name: pname, type: this.parseType(), notNull: this.parseNullability() });
      } while (this.acceptOp(','));
    this.expectOp(')');
    this.expectKeyword('RETURNS');
    const returns = this.parseType();
    const returnsNotNull = this.parseNullability();
    const body = this.acceptKeyword('AS') ? this.parseExpr() : null;
    return {
      kind: 'createFunction',
      name,
      params,
      returns,
      returnsNotNull,
      body,
      span: joinSpans(start, this.prevSpan()),
    };
  }

  /** An optional `NOT NULL` (true) or `NULL` (false) after a type. */
  protected parseNullability(): boolean {
    if (this.isKeyword('NOT') && this.isKeyword('NULL', 1)) {
      this.pos += 2;
      return true;
    }
    this.acceptKeyword('NULL');
    return false;
  }

  /** `CREATE INDEX name ON relation(column, ...)`. */
  protected parseCreateIndex(start: Span): CreateIndex {
    this.expectKeyword('INDEX');
    const name = this.parseIdent('an index name');
    this.expectKeyword('ON');
    const relation = this.parseIdent('a view name');
    const columns = this.parseIdentList();
    return { kind: 'createIndex', name, relation, columns, span: joinSpans(start, this.prevSpan()) };
  }

  /** `CREATE TYPE name AS (field type, ...)` or `CREATE TYPE name AS type`. */
  protected parseCreateType(start: Span): CreateType {
    this.expectKeyword('TYPE');
    const name = this.parseIdent('a type name');
    this.expectKeyword('AS');
    let type: TypeName;
    if (this.isOp('(')) {
      const open = this.next().span;
      const fields = [this.parseTypeField()];
      while (this.acceptOp(',')) fields.push(this.parseTypeField());
      this.expectOp(')');
      // Fields of a declared structure are nullable unless declared NOT NULL.
      for (const f of fields) if (f.nullable === null) f.nullable = true;
      type = { name: 'ROW', fields, span: joinSpans(open, this.prevSpan()) };
    } else type = this.parseType();
    return { kind: 'createType', name, type, span: joinSpans(start, this.prevSpan()) };
  }

  protected parseCreateTable(start: Span): CreateTable {
    this.expectKeyword('TABLE');
    const name = this.parseIdent('a table name');
    this.expectOp('(');
    const columns: ColumnDef[] = [];
    let primaryKey: CreateTable['primaryKey'] = null;
    do {
      // `CONSTRAINT name PRIMARY KEY (...)` names the key, which changes nothing else.
      if (this.isKeyword('CONSTRAINT') && this.isKeyword('PRIMARY', 2)) this.pos += 2;
      if (this.isKeyword('PRIMARY')) {
        const pkStart = this.next().span;
        this.expectKeyword('KEY');
        const cols = this.parseIdentList();
        if (primaryKey) this.fail('Duplicate PRIMARY KEY clause', joinSpans(pkStart, this.prevSpan()));
        primaryKey = { columns: cols, span: joinSpans(pkStart, this.prevSpan()) };
      } else if (
        this.isKeyword('FOREIGN') ||
        this.isKeyword('CONSTRAINT') ||
        this.isKeyword('UNIQUE') ||
        (this.isKeyword('CHECK') && this.isOp('(', 1))
      ) {
        this.fail(
          `${this.isKeyword('CHECK', 2) ? 'CHECK' : this.peek().upper} constraints are not supported`,
          this.peek().span,
          UNSUPPORTED,
        );
      } else {
        columns.push(this.parseColumnDef());
      }
    } while (this.acceptOp(','));
    this.expectOp(')');
    const properties = this.parseWithProperties();
    return {
      kind: 'createTable',
      name,
      columns,
      primaryKey,
      properties,
      span: joinSpans(start, this.prevSpan()),
    };
  }

  protected parseColumnDef(): ColumnDef {
    const name = this.parseIdent('a column name');
    const type = this.parseType();
    let notNull = false;
    let primaryKey = false;
    let defaultValue: Expr | null = null;
    for (;;) {
      if (this.isKeyword('NOT') && this.isKeyword('NULL', 1)) {
        this.pos += 2;
        notNull = true;
      } else if (this.acceptKeyword('NULL')) {
        notNull = false;
      } else if (this.isKeyword('PRIMARY')) {
        this.next();
        this.expectKeyword('KEY');
        primaryKey = true;
      } else if (this.isKeyword('DEFAULT')) {
        const at = this.next().span;
        if (defaultValue) this.fail('A column has at most one DEFAULT', at);
        defaultValue = this.parseExpr();
      } else if (this.isKeyword('LATENESS') || this.isKeyword('WATERMARK') || this.isKeyword('FOREIGN')) {
        this.fail(
          `${this.isKeyword('FOREIGN') ? 'FOREIGN KEY' : this.peek().upper} is not supported`,
          this.peek().span,
          UNSUPPORTED,
        );
      } else {
        break;
      }
    }
    return { name, type, notNull, primaryKey, defaultValue, span: joinSpans(name.span, this.prevSpan()) };
  }

  protected parseWithProperties(): Property[] {
    if (!this.acceptKeyword('WITH')) return [];
    this.expectOp('(');
    const props: Property[] = [];
    do {
      const k = this.peek();
      if (k.kind !== 'string') this.fail(this.encountered(k, 'a property name string'));
      this.next();
      this.expectOp('=');
      const v = this.peek();
      if (v.kind !== 'string') this.fail(this.encountered(v, 'a property value string'));
      this.next();
      props.push({ key: k.value, value: v.value, keySpan: k.span, valueSpan: v.span });
    } while (this.acceptOp(','));
    this.expectOp(')');
    return props;
  }

  protected parseCreateView(start: Span, materialized: boolean, local: boolean): CreateView {
    const name = this.parseIdent('a view name');
    const columnNames = this.isOp('(') ? this.parseIdentList() : null;
    const properties = this.parseWithProperties();
    this.expectKeyword('AS');
    const query = this.parseQuery();
    return {
      kind: 'createView',
      name,
      columnNames,
      materialized,
      local,
      properties,
      query,
      span: joinSpans(start, this.prevSpan()),
    };
  }

  protected parseInsert(): InsertStatement {
    const start = this.expectKeyword('INSERT').span;
    this.expectKeyword('INTO');
    const table = this.parseIdent('a table name');
    const columns =
      this.isOp('(') && !this.isKeyword('SELECT', 1) && !this.isKeyword('VALUES', 1)
        ? this.parseIdentList()
        : null;
    const source = this.parseQuery();
    return { kind: 'insert', table, columns, source, span: joinSpans(start, this.prevSpan()) };
  }

  // ---- queries -------------------------------------------------------------------------

  parseQuery(): Query {
    const start = this.peek().span;
    const ctes = this.isKeyword('WITH') ? this.parseWith() : null;
    const body = this.parseUnionTerm();
    const orderBy: OrderItem[] = [];
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      do orderBy.push(this.parseOrderItem());
      while (this.acceptOp(','));
    }
    let limit: Expr | null = null;
    let offset: Expr | null = null;
    if (this.acceptKeyword('LIMIT') && !this.acceptKeyword('ALL')) {
      limit = this.parseExpr();
      if (this.acceptOp(',')) {
        offset = limit;
        limit = this.parseExpr();
      }
    }
    if (this.acceptKeyword('OFFSET')) {
      offset = this.parseExpr();
      if (!this.acceptKeyword('ROWS')) this.acceptKeyword('ROW');
    }
    if (this.acceptKeyword('FETCH')) {
      if (!this.acceptKeyword('FIRST')) this.expectKeyword('NEXT');
      // The count is optional: `FETCH FIRST ROW ONLY` is one row.
      limit =
        this.isKeyword('ROW') || this.isKeyword('ROWS')
          ? { kind: 'literal', literal: 'number', text: '1', span: this.peek().span }
          : this.parseExpr();
      if (!this.acceptKeyword('ROWS')) this.expectKeyword('ROW');
      this.expectKeyword('ONLY');
    }
    const span = joinSpans(start, this.prevSpan());
    if (ctes) return { kind: 'query', with: ctes, body, orderBy, limit, offset, span };
    if (orderBy.length === 0 && limit === null && offset === null && body.kind === 'query') return body;
    return { kind: 'query', body, orderBy, limit, offset, span };
  }

  /** `WITH name [(columns)] AS (query), ...`; `WITH RECURSIVE` is refused (Feldera has recursive views instead). */
  protected parseWith(): CommonTableExpr[] {
    this.expectKeyword('WITH');
    if (this.isKeyword('RECURSIVE'))
      this.fail(
        'WITH RECURSIVE is not supported (Feldera writes recursion with DECLARE RECURSIVE VIEW)',
        this.peek().span,
        UNSUPPORTED,
      );
    const items: CommonTableExpr[] = [];
    do {
      const name = this.parseIdent('a common table expression name');
      const columnAliases = this.isOp('(') ? this.parseIdentList() : null;
      this.expectKeyword('AS');
      this.expectOp('(');
      const query = this.parseQuery();
      this.expectOp(')');
      items.push({ name, columnAliases, query, span: joinSpans(name.span, this.prevSpan()) });
    } while (this.acceptOp(','));
    return items;
  }

  protected parseOrderItem(): OrderItem {
    const expr = this.parseExpr();
    let desc = false;
    if (this.acceptKeyword('DESC')) desc = true;
    else this.acceptKeyword('ASC');
    let nullsFirst: boolean | null = null;
    if (this.acceptKeyword('NULLS')) {
      if (this.acceptKeyword('FIRST')) nullsFirst = true;
      else {
        this.expectKeyword('LAST');
        nullsFirst = false;
      }
    }
    return { expr, desc, nullsFirst, span: joinSpans(expr.span, this.prevSpan()) };
  }

  protected parseSetQuantifier(): boolean {
    if (this.acceptKeyword('ALL')) return true;
    this.acceptKeyword('DISTINCT');
    return false;
  }

  /**
   * The quantifier of EXCEPT/MINUS/INTERSECT: DISTINCT only. Feldera 0.312 refuses `EXCEPT ALL`,
   * `MINUS ALL` and `INTERSECT ALL` ("Not yet implemented"; sql/grammar.md and
   * sql/unsupported-operations.md), so they are refused here at the operator, not computed.
   */
  protected parseDistinctOnlyQuantifier(operator: Token): false {
    if (this.isKeyword('ALL'))
      this.fail(
        `${operator.upper} ALL is not supported`,
        joinSpans(operator.span, this.peek().span),
        UNSUPPORTED,
      );
    this.acceptKeyword('DISTINCT');
    return false;
  }

  protected parseUnionTerm(): QueryBody {
    let left = this.parseIntersectTerm();
    for (;;) {
      let op: 'union' | 'except';
      if (this.isKeyword('UNION')) op = 'union';
      else if (this.isKeyword('EXCEPT') || this.isKeyword('MINUS')) op = 'except';
      else return left;
      const operator = this.next();
      const all = op === 'union' ? this.parseSetQuantifier() : this.parseDistinctOnlyQuantifier(operator);
      const right = this.parseIntersectTerm();
      left = { kind: 'setop', op, all, left, right, span: joinSpans(left.span, right.span) };
    }
  }

  protected parseIntersectTerm(): QueryBody {
    let left = this.parseQueryPrimary();
    while (this.isKeyword('INTERSECT')) {
      const all = this.parseDistinctOnlyQuantifier(this.next());
      const right = this.parseQueryPrimary();
      left = { kind: 'setop', op: 'intersect', all, left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  protected parseQueryPrimary(): QueryBody {
    if (this.isKeyword('SELECT')) return this.parseSelect();
    if (this.isKeyword('VALUES') || this.isKeyword('VALUE')) {
      const start = this.next().span;
      const rows: Expr[][] = [];
      do {
        // A row is `(e, ...)` or, with one column, any expression (`VALUES 1, 2`).
        if (!this.isOp('(')) {
          rows.push([this.parseExpr()]);
          continue;
        }
        this.expectOp('(');
        const row = [this.parseExpr()];
        while (this.acceptOp(',')) row.push(this.parseExpr());
        this.expectOp(')');
        rows.push(row);
      } while (this.acceptOp(','));
      return { kind: 'values', rows, span: joinSpans(start, this.prevSpan()) };
    }
    if (this.isOp('(')) {
      const start = this.next().span;
      const q = this.parseQuery();
      this.expectOp(')');
      return { ...q, span: joinSpans(start, this.prevSpan()) };
    }
    return this.fail(this.encountered(this.peek(), 'SELECT, VALUES or "("'));
  }

  protected parseSelect(): SelectCore {
    const start = this.expectKeyword('SELECT').span;
    let distinct = false;
    if (this.acceptKeyword('DISTINCT')) {
      distinct = true;
      if (this.isKeyword('ON') && this.isOp('(', 1))
        this.fail(
          'SELECT DISTINCT ON (...) is not supported',
          joinSpans(start, this.peek().span),
          UNSUPPORTED,
        );
    } else this.acceptKeyword('ALL');
    const items: SelectItem[] = [];
    do items.push(this.parseSelectItem());
    while (this.acceptOp(','));
    const from: FromItem[] = [];
    if (this.acceptKeyword('FROM')) {
      do from.push(this.parseFromItem());
      while (this.acceptOp(','));
    }
    const where = this.acceptKeyword('WHERE') ? this.parseExpr() : null;
    const groupBy: Expr[] = [];
    let grouping: GroupingClause | undefined;
    if (this.isKeyword('GROUP')) {
      this.next();
      this.expectKeyword('BY');
      let distinct = false;
      if (this.acceptKeyword('DISTINCT')) distinct = true;
      else this.acceptKeyword('ALL');
      const elements: GroupElement[] = [];
      do elements.push(this.parseGroupElement());
      while (this.acceptOp(','));
      for (const e of elements) groupBy.push(...groupElementExprs(e));
      // ALL and DISTINCT only differ for grouping sets; plain lists keep their old form. `()`
      // is a grouping set too: it makes the query grouped even without aggregates.
      if (elements.some((e) => e.kind !== 'exprs' || e.exprs.length === 0)) grouping = { distinct, elements };
    }
    const having = this.acceptKeyword('HAVING') ? this.parseExpr() : null;
    if (this.isKeyword('WINDOW'))
      this.fail('WINDOW clauses are not supported', this.peek().span, UNSUPPORTED);
    return {
      kind: 'select',
      distinct,
      items,
      from,
      where,
      groupBy,
      ...(grouping ? { grouping } : {}),
      having,
      span: joinSpans(start, this.prevSpan()),
    };
  }

  /**
   * A GROUP BY element: `GROUPING SETS (element, ...)`, `ROLLUP (unit, ...)`, `CUBE (unit,
   * ...)` or a plain group item. A unit of ROLLUP or CUBE is a group item; grouping-set
   * constructs cannot nest inside ROLLUP or CUBE (Calcite's grammar).
   */
  protected parseGroupElement(): GroupElement {
    const t = this.peek();
    if (t.upper === 'GROUPING' && this.isKeyword('SETS', 1)) {
      this.pos += 2;
      this.expectOp('(');
      const elements: GroupElement[] = [];
      do elements.push(this.parseGroupElement());
      while (this.acceptOp(','));
      this.expectOp(')');
      return { kind: 'sets', elements, span: joinSpans(t.span, this.prevSpan()) };
    }
    if ((t.upper === 'ROLLUP' || t.upper === 'CUBE') && this.isOp('(', 1)) {
      this.pos += 2;
      const units: Expr[][] = [];
      do {
        const u = this.peek();
        if (
          (u.upper === 'GROUPING' && this.isKeyword('SETS', 1)) ||
          ((u.upper === 'ROLLUP' || u.upper === 'CUBE') && this.isOp('(', 1))
        )
          this.fail(
            `${u.upper === 'GROUPING' ? 'GROUPING SETS' : u.upper} cannot be nested inside ${t.upper}`,
            u.span,
          );
        units.push(this.parseGroupItem());
      } while (this.acceptOp(','));
      this.expectOp(')');
      return {
        kind: t.upper === 'ROLLUP' ? 'rollup' : 'cube',
        units,
        span: joinSpans(t.span, this.prevSpan()),
      };
    }
    const exprs = this.parseGroupItem();
    return { kind: 'exprs', exprs, span: joinSpans(t.span, this.prevSpan()) };
  }

  /** A group item: an expression, `()` (no keys: the grand total) or `(e, ...)` (those keys). */
  protected parseGroupItem(): Expr[] {
    if (this.isOp('(') && this.isOp(')', 1)) {
      this.pos += 2;
      return [];
    }
    const start = this.peek();
    const e = this.parseExpr();
    return start.value === '(' && start.kind === 'op' && e.kind === 'row' ? e.fields : [e];
  }

  protected parseSelectItem(): SelectItem {
    const start = this.peek().span;
    let qualifier: Ident | null = null;
    if (this.isIdentStart() && this.isOp('.', 1) && this.isOp('*', 2)) {
      qualifier = this.parseIdent();
      this.pos++;
    }
    if (qualifier || this.isOp('*')) {
      this.next();
      // `* EXCLUDE (c, ...)`, also spelled `* EXCEPT (c, ...)` (the reference's selectWithExclude).
      if ((this.isKeyword('EXCLUDE') || this.isKeyword('EXCEPT')) && this.isOp('(', 1)) {
        this.next();
        const exclude = this.parseIdentList();
        return { kind: 'star', qualifier, exclude, span: joinSpans(start, this.prevSpan()) };
      }
      if (this.isKeyword('REPLACE') && this.isOp('(', 1))
        this.fail('SELECT * REPLACE (...) is not supported', this.peek().span, UNSUPPORTED);
      return { kind: 'star', qualifier, span: joinSpans(start, this.prevSpan()) };
    }
    const expr = this.parseExpr();
    const alias = this.parseAlias();
    return { kind: 'expr', expr, alias, span: joinSpans(start, this.prevSpan()) };
  }

  /**
   * Refuses a query clause Calcite (and so Feldera's dialect) has and Sluice does not, by name,
   * where it would otherwise read as an alias or as trailing text.
   */
  private refuseClause(): void {
    const t = this.peek();
    if (t.kind === 'ident' && UNSUPPORTED_CLAUSES.has(t.upper))
      this.fail(
        `${t.upper === 'FOR' ? 'FOR SYSTEM_TIME AS OF' : t.upper} is not supported`,
        t.span,
        UNSUPPORTED,
      );
  }

  protected parseAlias(): Ident | null {
    if (this.acceptKeyword('AS')) {
      const t = this.peek();
      if (t.kind === 'ident' && NAMES_AFTER_AS.has(t.upper)) {
        this.next();
        return { name: t.value, quoted: false, span: t.span };
      }
      return this.parseIdent('an alias');
    }
    // `t ASOF JOIN u`: ASOF starts a join here, it is not an alias of t.
    if (this.isKeyword('ASOF') && this.isKeyword('JOIN', 1)) return null;
    this.refuseClause();
    return this.isIdentStart() ? this.parseIdent() : null;
  }

  protected parseFromItem(): FromItem {
    let left = this.parseFromPrimary();
    for (;;) {
      let joinType: JoinType;
      const start = this.peek().span;
      const natural = this.acceptKeyword('NATURAL');
      if (natural && this.isKeyword('CROSS'))
        this.fail(
          `${this.encountered(this.peek(), 'JOIN, INNER, LEFT, RIGHT or FULL')}\nA NATURAL join cannot be a CROSS join`,
        );
      if (this.acceptKeyword('CROSS')) joinType = 'cross';
      else if (this.acceptKeyword('INNER')) joinType = 'inner';
      else if (this.acceptKeyword('LEFT')) joinType = 'left';
      else if (this.acceptKeyword('RIGHT')) joinType = 'right';
      else if (this.acceptKeyword('FULL')) joinType = 'full';
      else if (this.isKeyword('JOIN')) joinType = 'inner';
      else if (this.isKeyword('ASOF')) this.fail('ASOF JOIN is not supported', start, UNSUPPORTED);
      else if (natural) this.fail(this.encountered(this.peek(), 'JOIN'));
      else return left;
      if (joinType === 'left' || joinType === 'right' || joinType === 'full') this.acceptKeyword('OUTER');
      // Feldera's `LEFT ASOF JOIN u MATCH_CONDITION (...) ON ...`: refused at the join's start.
      if (this.isKeyword('ASOF'))
        this.fail(`${joinType.toUpperCase()} ASOF JOIN is not supported`, start, UNSUPPORTED);
      this.expectKeyword('JOIN');
      const right = this.parseFromPrimary();
      let on: Expr | null = null;
      let using: Ident[] | null = null;
      if (natural) {
        if (this.isKeyword('ON') || this.isKeyword('USING'))
          this.fail(`A NATURAL join cannot have ${this.peek().upper}`);
      } else if (joinType !== 'cross') {
        if (this.acceptKeyword('ON')) on = this.parseExpr();
        else if (this.acceptKeyword('USING')) using = this.parseIdentList();
        else this.fail(this.encountered(this.peek(), 'ON or USING'));
      }
      const span = joinSpans(left.span, this.prevSpan());
      left = { kind: 'join', joinType, left, right, on, using, ...(natural ? { natural } : {}), span };
    }
  }

  protected parseFromPrimary(): FromItem {
    const start = this.peek().span;
    if (this.isOp('(')) {
      const saved = this.pos;
      this.next();
      if (this.isQueryStart()) return this.finishSubquery(start);
      if (this.isOp('(')) {
        // `((SELECT ...))` or `((t JOIN u ON ...))`: try the query reading first.
        try {
          return this.finishSubquery(start);
        } catch (e) {
          if (!(e instanceof SqlError)) throw e;
          this.pos = saved + 1;
        }
      }
      const inner = this.parseFromItem();
      this.expectOp(')');
      return inner;
    }
    if (this.isKeyword('LATERAL')) this.fail('LATERAL is not supported', start, UNSUPPORTED);
    if (this.isKeyword('UNNEST') && this.isOp('(', 1)) return this.parseUnnest();
    if (this.isKeyword('TABLE') && this.isOp('(', 1))
      this.fail('TABLE(...) table functions are not supported', start, UNSUPPORTED);
    const name = this.parseIdent('a table name');
    if (this.isOp('('))
      this.fail(`Table function ${name.name.toUpperCase()} is not supported`, name.span, UNSUPPORTED);
    const alias = this.parseAlias();
    const span = joinSpans(start, this.prevSpan());
    if (!alias || !this.isOp('(')) return { kind: 'table', name, alias, span };
    // `t AS a (c1, c2)` renames the columns: it reads as `(SELECT * FROM t) AS a (c1, c2)`.
    const columnAliases = this.parseIdentList();
    const select: SelectCore = {
      kind: 'select',
      distinct: false,
      items: [{ kind: 'star', qualifier: null, span }],
      from: [{ kind: 'table', name, alias: null, span }],
      where: null,
      groupBy: [],
      having: null,
      span,
    };
    const query: Query = { kind: 'query', body: select, orderBy: [], limit: null, offset: null, span };
    return { kind: 'subquery', query, alias, columnAliases, span: joinSpans(start, this.prevSpan()) };
  }

  /** `UNNEST '(' expression [, expression]* ')' [WITH ORDINALITY] [[AS] alias [(columns)]]`. */
  protected parseUnnest(): FromItem {
    const start = this.expectKeyword('UNNEST').span;
    this.expectOp('(');
    const args = [this.parseExpr()];
    while (this.acceptOp(',')) args.push(this.parseExpr());
    this.expectOp(')');
    let ordinality = false;
    if (this.isKeyword('WITH') && this.isKeyword('ORDINALITY', 1)) {
      this.pos += 2;
      ordinality = true;
    }
    const alias = this.parseAlias();
    const columnAliases = alias && this.isOp('(') ? this.parseIdentList() : null;
    return {
      kind: 'unnest',
      args,
      ordinality,
      alias,
      columnAliases,
      span: joinSpans(start, this.prevSpan()),
    };
  }

  /** The rest of `( query ) [alias [(columns)]]` after the opening parenthesis. */
  protected finishSubquery(start: Span): FromItem {
    const query = this.parseQuery();
    this.expectOp(')');
    const alias = this.parseAlias();
    const columnAliases = alias && this.isOp('(') ? this.parseIdentList() : null;
    return { kind: 'subquery', query, alias, columnAliases, span: joinSpans(start, this.prevSpan()) };
  }

  /** Skips to just after the next `;` (or to the end), for error recovery. */
  skipStatement(): void {
    while (this.peek().kind !== 'eof' && !this.isOp(';')) this.next();
    this.acceptOp(';');
  }

  /** Consumes the separator after a statement; false if something else follows. */
  endStatement(): boolean {
    if (this.acceptOp(';') || this.peek().kind === 'eof') return true;
    this.refuseClause();
    this.fail(this.encountered(this.peek(), '";" or "<EOF>"'));
  }

  atEnd(): boolean {
    while (this.acceptOp(';')) {}
    return this.peek().kind === 'eof';
  }
}

/**
 * Parses a script of `;`-separated statements; errors are reported and their statements
 * skipped. `expecting` names, in a parse error, what a statement may start with there.
 */
export function parseScript(
  source: string,
  sink: MessageSink,
  expecting = 'a statement (CREATE TABLE, CREATE VIEW)',
): Statement[] {
  const parser = new Parser(tokenize(source, sink));
  const statements: Statement[] = [];
  while (!parser.atEnd()) {
    try {
      const st = parser.parseStatement(expecting);
      parser.endStatement();
      statements.push(st);
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      sink.error(e.span, e.errorType, e.message);
      parser.skipStatement();
    }
  }
  return statements;
}

/** Canonical token text of a script: comments, layout, unquoted case and `;` separators removed. */
export function canonicalTokens(source: string, sink: MessageSink): string {
  return tokenize(source, sink)
    .filter((t) => !(t.kind === 'op' && t.value === ';'))
    .map((t) => `${t.kind}:${t.value}`)
    .join('\n');
}

/** The expressions of a GROUP BY element, in order. */
function groupElementExprs(e: GroupElement): Expr[] {
  switch (e.kind) {
    case 'exprs':
      return e.exprs;
    case 'rollup':
    case 'cube':
      return e.units.flat();
    case 'sets':
      return e.elements.flatMap(groupElementExprs);
  }
}
