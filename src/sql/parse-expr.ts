/**
 * Expression and type grammar: precedence climbing from OR down to primaries, plus SQL's
 * special forms (CASE, CAST, EXTRACT, SUBSTRING ... FROM ... FOR, TRIM, POSITION, INTERVAL
 * literals, IN/EXISTS/scalar subqueries). Subqueries call back into the query grammar.
 */
import type { Expr, IntervalUnit, OrderItem, PeriodOp, Query, TypeField, TypeName } from './ast.js';
import type { Token } from './lexer.js';
import { joinSpans, type Span } from './messages.js';
import { RESERVED, TokenStream, UNSUPPORTED } from './token-stream.js';

const INTERVAL_UNITS: Record<string, IntervalUnit> = {
  YEAR: 'YEAR',
  YEARS: 'YEAR',
  MONTH: 'MONTH',
  MONTHS: 'MONTH',
  DAY: 'DAY',
  DAYS: 'DAY',
  HOUR: 'HOUR',
  HOURS: 'HOUR',
  MINUTE: 'MINUTE',
  MINUTES: 'MINUTE',
  SECOND: 'SECOND',
  SECONDS: 'SECOND',
};

/** Words that name a time unit where a function takes one (Feldera's "Time units" table, plurals too). */
const TIME_UNIT_WORDS: ReadonlySet<string> = new Set(
  `MILLENNIUM CENTURY DECADE YEAR YEARS QUARTER MONTH MONTHS WEEK DOY DOW ISODOW ISOYEAR DAY DAYS HOUR HOURS
  MINUTE MINUTES SECOND SECONDS MILLISECOND MILLISECONDS MICROSECOND MICROSECONDS NANOSECOND NANOSECONDS EPOCH
  SQL_TSI_YEAR SQL_TSI_QUARTER SQL_TSI_MONTH SQL_TSI_WEEK SQL_TSI_DAY SQL_TSI_HOUR SQL_TSI_MINUTE
  SQL_TSI_SECOND SQL_TSI_MICROSECOND`.split(/\s+/),
);

/** Functions with a time unit argument, and its position. */
const UNIT_ARGUMENT: Record<string, number> = {
  TIMESTAMPADD: 0,
  TIMESTAMPDIFF: 0,
  DATEDIFF: 0,
  DATE_TRUNC: 1,
  TIMESTAMP_TRUNC: 1,
  TIME_TRUNC: 1,
};

/** SQL type names (upper case) to the canonical base name. */
const TYPE_ALIASES: Record<string, string> = {
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT2: 'SMALLINT',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  INT4: 'INTEGER',
  SIGNED: 'INTEGER',
  BIGINT: 'BIGINT',
  INT8: 'BIGINT',
  INT64: 'BIGINT',
  REAL: 'REAL',
  FLOAT4: 'REAL',
  FLOAT32: 'REAL',
  DOUBLE: 'DOUBLE',
  FLOAT8: 'DOUBLE',
  FLOAT64: 'DOUBLE',
  FLOAT: 'DOUBLE',
  DECIMAL: 'DECIMAL',
  DEC: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  NUMBER: 'DECIMAL',
  CHAR: 'CHAR',
  CHARACTER: 'CHAR',
  VARCHAR: 'VARCHAR',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  UNSIGNED: 'UINTEGER',
  BINARY: 'BINARY',
  VARBINARY: 'VARBINARY',
  BYTEA: 'VARBINARY',
  UUID: 'UUID',
  VARIANT: 'VARIANT',
};

/** Type names of Feldera's dialect that Sluice refuses (with a clear error) for now. */
const UNSUPPORTED_TYPES = new Set(['GEOMETRY', 'MULTISET']);

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=', '<=>']);

export abstract class ExpressionParser extends TokenStream {
  /** Parses a query (for subqueries inside expressions). */
  abstract parseQuery(): Query;

  /** Parses one `expr [ASC | DESC] [NULLS FIRST | LAST]` (also inside aggregate calls). */
  protected abstract parseOrderItem(): OrderItem;

  /**
   * A SQL type: a base type such as `DECIMAL(10, 2)`, `VARCHAR`, `DOUBLE PRECISION`,
   * `INT UNSIGNED`, `BINARY(4)`; `MAP<K, V>`; `ROW(a INT, b VARCHAR NULL)`; a user-defined
   * type's name; each optionally followed by any number of `ARRAY` suffixes.
   */
  parseType(): TypeName {
    let type = this.parseBaseType();
    while (this.isKeyword('ARRAY')) {
      this.next();
      type = { name: 'ARRAY', component: type, span: joinSpans(type.span, this.prevSpan()) };
    }
    return type;
  }

  protected parseBaseType(): TypeName {
    const t = this.peek();
    if (t.kind !== 'ident' && t.kind !== 'qident') return this.fail(this.encountered(t, 'a type'));
    if (t.kind === 'ident' && t.upper === 'MAP' && this.isOp('<', 1)) {
      this.pos += 2;
      const key = this.parseType();
      this.expectOp(',');
      const value = this.parseType();
      this.expectOp('>');
      return { name: 'MAP', key, value, span: joinSpans(t.span, this.prevSpan()) };
    }
    if (t.kind === 'ident' && t.upper === 'ROW' && this.isOp('(', 1)) {
      this.pos += 2;
      const fields = [this.parseTypeField()];
      while (this.acceptOp(',')) fields.push(this.parseTypeField());
      this.expectOp(')');
      return { name: 'ROW', fields, span: joinSpans(t.span, this.prevSpan()) };
    }
    if (t.kind === 'ident' && t.upper === 'INTERVAL') {
      this.next();
      const from = this.parseIntervalUnit();
      const to = this.acceptKeyword('TO') ? this.parseIntervalUnit() : null;
      return { name: 'INTERVAL', from, to, span: joinSpans(t.span, this.prevSpan()) };
    }
    let base = t.kind === 'ident' ? TYPE_ALIASES[t.upper] : undefined;
    if (base === undefined) {
      if (t.kind === 'ident' && UNSUPPORTED_TYPES.has(t.upper))
        this.fail(`Type ${t.upper} is not supported`, t.span, UNSUPPORTED);
      const user = this.parseIdent('a type');
      return { name: 'USER', user, span: user.span };
    }
    this.pos++;
    if ((base === 'CHAR' && this.acceptKeyword('VARYING')) || base === 'VARCHAR') base = 'VARCHAR';
    if (base === 'BINARY' && this.acceptKeyword('VARYING')) base = 'VARBINARY';
    if (t.upper === 'DOUBLE') this.acceptKeyword('PRECISION');
    const type: TypeName = { name: base, span: t.span };
    if (
      this.isOp('(') &&
      ['DECIMAL', 'CHAR', 'VARCHAR', 'BINARY', 'VARBINARY', 'TIME', 'TIMESTAMP'].includes(base)
    ) {
      this.next();
      type.precision = this.parseInteger();
      if (base === 'DECIMAL' && this.acceptOp(',')) type.scale = this.parseInteger();
      this.expectOp(')');
    }
    if (['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT'].includes(base) && this.acceptKeyword('UNSIGNED'))
      type.name = `U${base}`;
    if ((base === 'TIME' || base === 'TIMESTAMP') && this.isKeyword('WITH')) {
      const start = this.next().span;
      const local = this.acceptKeyword('LOCAL');
      this.expectKeyword('TIME');
      this.expectKeyword('ZONE');
      // Feldera 0.312 has TIMESTAMP WITH TIME ZONE (its TIMESTAMP_TZ), not the other two.
      if (base === 'TIME' || local) {
        const name = `${base} WITH ${local ? 'LOCAL ' : ''}TIME ZONE`;
        this.fail(`Type ${name} is not supported`, joinSpans(start, this.prevSpan()), UNSUPPORTED);
      }
      type.name = 'TIMESTAMP_TZ';
    }
    if ((base === 'TIME' || base === 'TIMESTAMP') && this.isKeyword('WITHOUT')) {
      this.next();
      this.expectKeyword('TIME');
      this.expectKeyword('ZONE');
    }
    type.span = joinSpans(t.span, this.prevSpan());
    return type;
  }

  protected parseTypeField(): TypeField {
    const name = this.parseIdent('a field name');
    const type = this.parseType();
    let nullable: boolean | null = null;
    if (this.isKeyword('NOT') && this.isKeyword('NULL', 1)) {
      this.pos += 2;
      nullable = false;
    } else if (this.acceptKeyword('NULL')) nullable = true;
    return { name, type, nullable };
  }

  parseExpr(): Expr {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) {
      const right = this.parseAnd();
      left = { kind: 'binary', op: 'OR', left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  protected parseAnd(): Expr {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) {
      const right = this.parseNot();
      left = { kind: 'binary', op: 'AND', left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  protected parseNot(): Expr {
    if (this.isKeyword('NOT')) {
      const start = this.next().span;
      const operand = this.parseNot();
      return { kind: 'unary', op: 'NOT', operand, span: joinSpans(start, operand.span) };
    }
    return this.parsePredicate();
  }

  protected parsePredicate(): Expr {
    let left = this.parseAdditive();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && COMPARISONS.has(t.value)) {
        this.next();
        const q = this.peek();
        if (q.kind === 'ident' && ['ANY', 'SOME', 'ALL'].includes(q.upper) && this.peek(1).value === '(')
          if (this.peek(2).kind === 'ident' && this.peek(2).upper === 'SELECT')
            this.fail(
              `Quantified comparisons (${t.value} ${q.upper} (SELECT ...)) are not supported`,
              q.span,
              UNSUPPORTED,
            );
        const right = this.parseAdditive();
        // `a <=> b` is `a IS NOT DISTINCT FROM b` (Feldera's reference, comparisons).
        if (t.value === '<=>') {
          left = { kind: 'isDistinct', left, right, negated: true, span: joinSpans(left.span, right.span) };
          continue;
        }
        left = {
          kind: 'binary',
          op: t.value === '!=' ? '<>' : t.value,
          left,
          right,
          span: joinSpans(left.span, right.span),
        };
        continue;
      }
      if (this.isKeyword('IS')) {
        this.next();
        const negated = this.acceptKeyword('NOT');
        if (this.isKeyword('NULL') || this.isKeyword('UNKNOWN')) {
          const unknown = this.next().upper === 'UNKNOWN';
          left = {
            kind: 'isNull',
            operand: left,
            negated,
            span: joinSpans(left.span, this.prevSpan()),
            ...(unknown ? { unknown } : {}),
          };
        } else if (this.isKeyword('TRUE') || this.isKeyword('FALSE')) {
          const value = this.next().upper === 'TRUE';
          left = {
            kind: 'isBool',
            operand: left,
            value,
            negated,
            span: joinSpans(left.span, this.prevSpan()),
          };
        } else if (this.acceptKeyword('DISTINCT')) {
          this.expectKeyword('FROM');
          const right = this.parseAdditive();
          left = { kind: 'isDistinct', left, right, negated, span: joinSpans(left.span, right.span) };
        } else {
          this.fail(this.encountered(this.peek(), 'NULL, TRUE, FALSE or DISTINCT FROM'));
        }
        continue;
      }
      const negated =
        this.isKeyword('NOT') &&
        ['BETWEEN', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'SIMILAR'].some((w) => this.isKeyword(w, 1));
      if (negated) this.next();
      if (this.isKeyword('SIMILAR'))
        this.fail(
          'SIMILAR TO is not supported (Feldera does not support it either)',
          this.peek().span,
          UNSUPPORTED,
        );
      if (this.acceptKeyword('BETWEEN')) {
        const symmetric = this.acceptKeyword('SYMMETRIC');
        if (!symmetric) this.acceptKeyword('ASYMMETRIC');
        const low = this.parseAdditive();
        this.expectKeyword('AND');
        const high = this.parseAdditive();
        left = {
          kind: 'between',
          operand: left,
          low,
          high,
          negated,
          span: joinSpans(left.span, high.span),
          ...(symmetric ? { symmetric } : {}),
        };
      } else if (this.isKeyword('LIKE') || this.isKeyword('ILIKE') || this.isKeyword('RLIKE')) {
        const op = this.next().upper.toLowerCase() as 'like' | 'ilike' | 'rlike';
        const pattern = this.parseAdditive();
        const escapeChar = op !== 'rlike' && this.acceptKeyword('ESCAPE') ? this.parseAdditive() : null;
        left = {
          kind: 'like',
          op,
          operand: left,
          pattern,
          escape: escapeChar,
          negated,
          span: joinSpans(left.span, this.prevSpan()),
        };
      } else if (this.acceptKeyword('IN')) {
        this.expectOp('(');
        if (this.isQueryStart()) {
          const query = this.parseQuery();
          this.expectOp(')');
          left = {
            kind: 'inQuery',
            operand: left,
            query,
            negated,
            span: joinSpans(left.span, this.prevSpan()),
          };
        } else {
          const list = [this.parseExpr()];
          while (this.acceptOp(',')) list.push(this.parseExpr());
          this.expectOp(')');
          left = {
            kind: 'inList',
            operand: left,
            list,
            negated,
            span: joinSpans(left.span, this.prevSpan()),
          };
        }
      } else if (left.kind === 'row' && left.fields.length === 2 && this.isPeriodOp()) {
        left = this.parsePeriod(left.fields as [Expr, Expr], left.span);
      } else {
        return left;
      }
    }
  }

  private isPeriodOp(): boolean {
    if (this.isKeyword('IMMEDIATELY')) return this.isKeyword('PRECEDES', 1) || this.isKeyword('SUCCEEDS', 1);
    return ['CONTAINS', 'OVERLAPS', 'EQUALS', 'PRECEDES', 'SUCCEEDS'].some((w) => this.isKeyword(w));
  }

  /** `(s, e) op (s, e)`, or `(s, e) CONTAINS x`, after the left period. */
  private parsePeriod(left: [Expr, Expr], start: Span): Expr {
    const op = (
      this.acceptKeyword('IMMEDIATELY') ? `IMMEDIATELY ${this.next().upper}` : this.next().upper
    ) as PeriodOp;
    const right = this.parseAdditive();
    const span = joinSpans(start, right.span);
    if (right.kind === 'row' && right.fields.length === 2)
      return { kind: 'period', op, left, right: right.fields, span };
    if (op !== 'CONTAINS') this.fail(`${op} needs a period '(start, end)' on its right`, right.span);
    return { kind: 'period', op, left, right: [right], span };
  }

  protected parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '+' && t.value !== '-' && t.value !== '||')) return left;
      this.next();
      const right = this.parseMultiplicative();
      left = { kind: 'binary', op: t.value, left, right, span: joinSpans(left.span, right.span) };
    }
  }

  protected parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) return left;
      this.next();
      const right = this.parseUnary();
      left = { kind: 'binary', op: t.value, left, right, span: joinSpans(left.span, right.span) };
    }
  }

  protected parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
      this.next();
      const operand = this.parseUnary();
      return { kind: 'unary', op: t.value, operand, span: joinSpans(t.span, operand.span) };
    }
    let e = this.parsePrimary();
    for (;;) {
      if (this.acceptOp('::')) {
        const type = this.parseType();
        e = { kind: 'cast', operand: e, type, span: joinSpans(e.span, type.span) };
      } else if (this.acceptOp('[')) {
        const index = this.parseExpr();
        this.expectOp(']');
        e = { kind: 'subscript', operand: e, index, span: joinSpans(e.span, this.prevSpan()) };
      } else if (this.isOp('.') && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'qident')) {
        this.next();
        const field = this.parseIdent('a field name');
        e = { kind: 'field', operand: e, field, span: joinSpans(e.span, field.span) };
      } else return e;
    }
  }

  /**
   * A string or binary literal with its continuations: `'foo'` followed by `'bar'` on a later
   * line is `'foobar'`; `X'AB' 'CD'` is `X'ABCD'` (the reference's forms).
   */
  protected parseStringLiteral(): Expr {
    const first = this.next();
    let text = first.value;
    let last = first;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'string' || (first.kind === 'string' && t.span.startLine <= last.span.endLine)) break;
      text += t.value;
      last = this.next();
    }
    const span = joinSpans(first.span, last.span);
    return { kind: 'literal', literal: first.kind === 'binary' ? 'binary' : 'string', text, span };
  }

  protected parseParenList(): Expr[] {
    this.expectOp('(');
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      do args.push(this.parseExpr());
      while (this.acceptOp(','));
    }
    this.expectOp(')');
    return args;
  }

  protected parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'literal', literal: 'number', text: t.value, span: t.span };
      case 'string':
      case 'binary':
        return this.parseStringLiteral();
      case 'qident':
        return this.parseColumnRef();
      case 'op':
        if (t.value === '(') {
          this.next();
          if (this.isQueryStart()) {
            const query = this.parseQuery();
            this.expectOp(')');
            return { kind: 'subquery', query, span: joinSpans(t.span, this.prevSpan()) };
          }
          const e = this.parseExpr();
          if (this.acceptOp(',')) {
            const fields = [e, this.parseExpr()];
            while (this.acceptOp(',')) fields.push(this.parseExpr());
            this.expectOp(')');
            return { kind: 'row', fields, span: joinSpans(t.span, this.prevSpan()) };
          }
          this.expectOp(')');
          const unit = this.peek();
          if (unit.kind === 'ident' && INTERVAL_UNITS[unit.upper]) return this.parseIntervalDiff(e, t);
          return { ...e, span: joinSpans(t.span, this.prevSpan()) };
        }
        return this.fail(this.encountered(t, 'an expression'));
      case 'ident':
        return this.parseWordExpr(t);
      default:
        return this.fail(this.encountered(t, 'an expression'));
    }
  }

  /** An expression starting with a word: literal keyword, special form, function call or column. */
  protected parseWordExpr(t: Token): Expr {
    const next = this.peek(1);
    switch (t.upper) {
      case 'TRUE':
      case 'FALSE':
        this.next();
        return { kind: 'literal', literal: 'boolean', text: t.upper, span: t.span };
      case 'NULL':
        this.next();
        return { kind: 'literal', literal: 'null', text: 'NULL', span: t.span };
      case 'DATE':
      case 'TIME':
      case 'TIMESTAMP':
        if (next.kind === 'string') {
          this.pos += 2;
          return {
            kind: 'literal',
            literal: t.upper.toLowerCase() as 'date' | 'time' | 'timestamp',
            text: next.value,
            span: joinSpans(t.span, next.span),
          };
        }
        if (t.upper === 'TIMESTAMP' && next.kind === 'ident' && next.upper === 'WITH') {
          const text = this.peek(4);
          if (this.isKeyword('TIME', 2) && this.isKeyword('ZONE', 3) && text.kind === 'string') {
            this.pos += 5;
            return {
              kind: 'literal',
              literal: 'timestamp_tz',
              text: text.value,
              span: joinSpans(t.span, text.span),
            };
          }
        }
        break;
      case 'UUID':
        if (next.kind === 'string') {
          this.pos += 2;
          return { kind: 'literal', literal: 'uuid', text: next.value, span: joinSpans(t.span, next.span) };
        }
        break;
      case 'ARRAY':
      case 'MAP':
        if (next.kind === 'op' && (next.value === '[' || next.value === '(')) return this.parseCollection(t);
        break;
      case 'ROW':
        if (next.kind === 'op' && next.value === '(') {
          if (this.isOp('*', 2) || (this.peek(2).kind !== 'op' && this.isOp('.', 3) && this.isOp('*', 4)))
            this.fail('ROW(*) and ROW(t.*) are not supported', t.span, UNSUPPORTED);
          this.pos++;
          const fields = this.parseParenList();
          return { kind: 'row', fields, span: joinSpans(t.span, this.prevSpan()) };
        }
        break;
      case 'INTERVAL':
        return this.parseInterval();
      case 'CASE':
        return this.parseCase();
      case 'CAST':
      case 'SAFE_CAST': {
        if (t.upper === 'SAFE_CAST' && !(next.kind === 'op' && next.value === '(')) break;
        this.next();
        this.expectOp('(');
        const operand = this.parseExpr();
        this.expectKeyword('AS');
        const type = this.parseType();
        this.expectOp(')');
        const span = joinSpans(t.span, this.prevSpan());
        return t.upper === 'CAST'
          ? { kind: 'cast', operand, type, span }
          : { kind: 'cast', operand, type, safe: true, span };
      }
      case 'EXISTS': {
        // `EXISTS(array, x -> ...)` is the higher-order function ARRAY_EXISTS (the reference's
        // lambda example); `EXISTS (query)` the predicate.
        if (
          next.kind === 'op' &&
          next.value === '(' &&
          !this.isKeyword('SELECT', 2) &&
          !this.isKeyword('VALUES', 2) &&
          !this.isKeyword('WITH', 2) &&
          !this.isOp('(', 2)
        ) {
          const call = this.parseCall();
          return call.kind === 'call' ? { ...call, name: 'ARRAY_EXISTS' } : call;
        }
        this.next();
        this.expectOp('(');
        const query = this.parseQuery();
        this.expectOp(')');
        return { kind: 'exists', query, span: joinSpans(t.span, this.prevSpan()) };
      }
      default:
        break;
    }
    if (next.kind === 'op' && next.value === '(') {
      switch (t.upper) {
        case 'EXTRACT':
        case 'DATE_PART': {
          this.pos += 2;
          const unit = this.peek();
          if (unit.kind !== 'ident' && unit.kind !== 'string') this.fail('Expected a time unit');
          this.next();
          if (!this.acceptOp(',')) this.expectKeyword('FROM');
          const operand = this.parseExpr();
          this.expectOp(')');
          const name = unit.kind === 'ident' ? unit.upper : unit.value.toUpperCase();
          return { kind: 'extract', unit: name, operand, span: joinSpans(t.span, this.prevSpan()) };
        }
        case 'POSITION': {
          this.pos += 2;
          const needle = this.parseAdditive();
          this.expectKeyword('IN');
          const haystack = this.parseExpr();
          if (this.isKeyword('FROM'))
            this.fail('POSITION(... IN ... FROM start) is not supported', this.peek().span, UNSUPPORTED);
          this.expectOp(')');
          return { kind: 'position', needle, haystack, span: joinSpans(t.span, this.prevSpan()) };
        }
        case 'OVERLAY':
          return this.parseOverlay();
        case 'SUBSTRING': {
          this.pos += 2;
          const operand = this.parseExpr();
          let start: Expr;
          let length: Expr | null = null;
          if (this.acceptKeyword('FROM')) {
            start = this.parseExpr();
            if (this.acceptKeyword('FOR')) length = this.parseExpr();
          } else {
            this.expectOp(',');
            start = this.parseExpr();
            if (this.acceptOp(',')) length = this.parseExpr();
          }
          this.expectOp(')');
          return { kind: 'substring', operand, start, length, span: joinSpans(t.span, this.prevSpan()) };
        }
        case 'TRIM':
          return this.parseTrim();
        case 'CONVERT':
        case 'TRANSLATE':
          // Calcite's forms take a type or a character set (`CONVERT(s USING utf8)`,
          // `CONVERT(VARCHAR, s)`), which would otherwise read as a column or fail to parse.
          return this.fail(
            `${t.upper} is not supported${t.upper === 'CONVERT' ? '; use CAST' : ''}`,
            t.span,
            UNSUPPORTED,
          );
        case 'FLOOR':
        case 'CEIL':
        case 'CEILING':
          return this.parseRoundTo();
        default:
          if (t.upper in UNIT_ARGUMENT) return this.parseUnitCall(UNIT_ARGUMENT[t.upper]!);
          return this.parseCall();
      }
    }
    if (RESERVED.has(t.upper)) this.fail(this.encountered(t, 'an expression'));
    return this.parseColumnRef();
  }

  /** `ARRAY[...]`, `ARRAY(...)`, `MAP[...]` (the query forms `ARRAY(SELECT ...)` are refused). */
  protected parseCollection(t: Token): Expr {
    this.next();
    const open = this.next();
    const close = open.value === '[' ? ']' : ')';
    if (this.isKeyword('SELECT'))
      this.fail(`${t.upper}(SELECT ...) query constructors are not supported`, t.span, UNSUPPORTED);
    const items: Expr[] = [];
    if (!this.isOp(close)) {
      do items.push(this.parseExpr());
      while (this.acceptOp(','));
    }
    this.expectOp(close);
    const span = joinSpans(t.span, this.prevSpan());
    // ARRAY(...) is a function with its own typing (sql/functions/array.ts); ARRAY[...] a literal.
    if (t.upper === 'ARRAY' && open.value === '(')
      return { kind: 'call', name: 'ARRAY', args: items, distinct: false, star: false, span };
    if (t.upper === 'ARRAY') return { kind: 'array', elements: items, span };
    if (items.length % 2 !== 0) this.fail('MAP needs an even number of arguments (key, value, ...)', span);
    return { kind: 'map', items, span };
  }

  protected parseColumnRef(): Expr {
    const parts = [this.parseIdent('a column name')];
    while (this.isOp('.') && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'qident')) {
      this.next();
      parts.push(this.parseIdent('a column name'));
    }
    return { kind: 'column', parts, span: joinSpans(parts[0]!.span, parts[parts.length - 1]!.span) };
  }

  protected parseCall(): Expr {
    const name = this.next();
    this.expectOp('(');
    let distinct = false;
    let star = false;
    const args: Expr[] = [];
    let ignoreNulls: boolean | undefined;
    const orderBy: OrderItem[] = [];
    if (this.acceptOp('*')) star = true;
    else if (!this.isOp(')')) {
      if (this.acceptKeyword('DISTINCT')) distinct = true;
      else this.acceptKeyword('ALL');
      do args.push(this.parseArgument());
      while (this.acceptOp(','));
      // ARRAY_AGG(x [IGNORE | RESPECT NULLS] [ORDER BY ...]) (Feldera's reference, "Aggregates").
      if (this.isKeyword('IGNORE') || this.isKeyword('RESPECT')) {
        ignoreNulls = this.next().upper === 'IGNORE';
        this.expectKeyword('NULLS');
      }
      if (this.acceptKeyword('ORDER')) {
        this.expectKeyword('BY');
        do orderBy.push(this.parseOrderItem());
        while (this.acceptOp(','));
      }
    }
    this.expectOp(')');
    if (this.isKeyword('WITHIN'))
      this.fail('WITHIN DISTINCT and WITHIN GROUP are not supported', this.peek().span, UNSUPPORTED);
    let filter: Expr | undefined;
    if (this.isKeyword('FILTER') && this.isOp('(', 1)) {
      this.pos += 2;
      this.expectKeyword('WHERE');
      filter = this.parseExpr();
      this.expectOp(')');
    }
    if (this.isKeyword('OVER'))
      this.fail('Window functions (OVER) are not supported', this.peek().span, UNSUPPORTED);
    return {
      kind: 'call',
      name: name.upper,
      args,
      distinct,
      star,
      span: joinSpans(name.span, this.prevSpan()),
      ...(filter ? { filter } : {}),
      ...(ignoreNulls !== undefined ? { ignoreNulls } : {}),
      ...(orderBy.length > 0 ? { orderBy } : {}),
    };
  }

  /** A time unit keyword (`DAY`, `SQL_TSI_DAY`, `MILLISECOND`, ...), upper-cased; undefined when the next token is not one. */
  protected acceptTimeUnit(): { name: string; span: Span } | undefined {
    const t = this.peek();
    if (t.kind !== 'ident' || !TIME_UNIT_WORDS.has(t.upper)) return undefined;
    this.next();
    return { name: t.upper, span: t.span };
  }

  /** `FLOOR(x)` / `FLOOR(x TO unit)` and the same for CEIL and CEILING. */
  protected parseRoundTo(): Expr {
    const name = this.next();
    this.expectOp('(');
    const operand = this.parseExpr();
    let unit: { name: string; span: Span } | undefined;
    if (this.acceptKeyword('TO')) {
      unit = this.acceptTimeUnit();
      if (!unit) this.fail(this.encountered(this.peek(), 'a time unit'));
    }
    this.expectOp(')');
    const e: Expr = {
      kind: 'call',
      name: name.upper === 'CEILING' ? 'CEIL' : name.upper,
      args: [operand],
      distinct: false,
      star: false,
      span: joinSpans(name.span, this.prevSpan()),
    };
    if (unit) e.unit = unit;
    return e;
  }

  /**
   * A call whose argument `index` is a time unit keyword (`TIMESTAMPADD(DAY, 1, t)`,
   * `DATE_TRUNC(d, MONTH)`); other arguments are expressions.
   */
  protected parseUnitCall(index: number): Expr {
    const name = this.next();
    this.expectOp('(');
    const args: Expr[] = [];
    let unit: { name: string; span: Span } | undefined;
    for (let i = 0; !this.isOp(')'); i++) {
      if (i > 0) this.expectOp(',');
      const u = i === index ? this.acceptTimeUnit() : undefined;
      if (u && (this.isOp(',') || this.isOp(')'))) unit = u;
      else {
        if (u) this.pos--;
        args.push(this.parseExpr());
      }
    }
    this.expectOp(')');
    const e: Expr = {
      kind: 'call',
      name: name.upper,
      args,
      distinct: false,
      star: false,
      span: joinSpans(name.span, this.prevSpan()),
    };
    if (unit) e.unit = unit;
    return e;
  }

  /** `OVERLAY(s PLACING r FROM start [FOR length])`, a call of the function OVERLAY. */
  protected parseOverlay(): Expr {
    const name = this.next();
    this.expectOp('(');
    const args = [this.parseExpr()];
    this.expectKeyword('PLACING');
    args.push(this.parseExpr());
    this.expectKeyword('FROM');
    args.push(this.parseExpr());
    if (this.acceptKeyword('FOR')) args.push(this.parseExpr());
    this.expectOp(')');
    return {
      kind: 'call',
      name: name.upper,
      args,
      distinct: false,
      star: false,
      span: joinSpans(name.span, this.prevSpan()),
    };
  }

  /** A call argument: an expression, or a lambda `x -> body` / `(x, y) -> body`. */
  protected parseArgument(): Expr {
    const t = this.peek();
    const isName = (k: number) => this.peek(k).kind === 'ident' || this.peek(k).kind === 'qident';
    let names = 0;
    if (isName(0) && this.isOp('->', 1)) names = 1;
    else if (this.isOp('(') && isName(1)) {
      let k = 2;
      while (this.isOp(',', k) && isName(k + 1)) k += 2;
      if (this.isOp(')', k) && this.isOp('->', k + 1)) names = k / 2;
    }
    if (names === 0) return this.parseExpr();
    const parenthesized = this.acceptOp('(');
    const params = [this.parseIdent('a lambda parameter')];
    while (parenthesized && this.acceptOp(',')) params.push(this.parseIdent('a lambda parameter'));
    if (parenthesized) this.expectOp(')');
    this.expectOp('->');
    const body = this.parseExpr();
    return { kind: 'lambda', params, body, span: joinSpans(t.span, body.span) };
  }

  protected parseTrim(): Expr {
    const start = this.next().span;
    this.expectOp('(');
    let mode: 'BOTH' | 'LEADING' | 'TRAILING' = 'BOTH';
    let chars: Expr | null = null;
    let operand: Expr;
    const m = this.peek().upper;
    if (m === 'BOTH' || m === 'LEADING' || m === 'TRAILING') {
      this.next();
      mode = m;
      if (!this.acceptKeyword('FROM')) {
        chars = this.parseExpr();
        this.expectKeyword('FROM');
      }
      operand = this.parseExpr();
    } else {
      const first = this.parseExpr();
      if (this.acceptKeyword('FROM')) {
        chars = first;
        operand = this.parseExpr();
      } else {
        operand = first;
      }
    }
    this.expectOp(')');
    return { kind: 'trim', mode, chars, operand, span: joinSpans(start, this.prevSpan()) };
  }

  protected parseCase(): Expr {
    const start = this.next().span;
    const operand = this.isKeyword('WHEN') ? null : this.parseExpr();
    const whens: { when: Expr; result: Expr }[] = [];
    while (this.acceptKeyword('WHEN')) {
      // `CASE x WHEN a, b THEN r` matches either value: one WHEN per value, sharing the result.
      const values = [this.parseExpr()];
      while (operand && this.acceptOp(',')) values.push(this.parseExpr());
      this.expectKeyword('THEN');
      const result = this.parseExpr();
      for (const when of values) whens.push({ when, result });
    }
    if (whens.length === 0) this.fail(this.encountered(this.peek(), 'WHEN'));
    const elseExpr = this.acceptKeyword('ELSE') ? this.parseExpr() : null;
    this.expectKeyword('END');
    return { kind: 'case', operand, whens, else: elseExpr, span: joinSpans(start, this.prevSpan()) };
  }

  protected parseIntervalUnit(): IntervalUnit {
    const t = this.peek();
    const unit = t.kind === 'ident' ? INTERVAL_UNITS[t.upper] : undefined;
    if (!unit) return this.fail(this.encountered(t, 'an interval unit (YEAR ... SECOND)'));
    this.next();
    if (this.isOp('(')) this.parseParenList();
    return unit;
  }

  /**
   * `INTERVAL [+|-] 'text' qualifier` (a literal), or `INTERVAL [+|-] value qualifier` with a
   * number, a column or a parenthesized expression as the value.
   */
  protected parseInterval(): Expr {
    const start = this.next().span;
    let negative = false;
    while (this.isOp('-') || this.isOp('+')) if (this.next().value === '-') negative = !negative;
    const v = this.peek();
    if (v.kind === 'string' || v.kind === 'number') {
      this.next();
      const from = this.parseIntervalUnit();
      const to = this.acceptKeyword('TO') ? this.parseIntervalUnit() : null;
      const text = v.value.trim();
      // A sign before the quotes negates whatever sign the text has.
      const signed = !negative ? text : text.startsWith('-') ? text.slice(1) : `-${text.replace(/^\+/, '')}`;
      return { kind: 'interval', text: signed, from, to, span: joinSpans(start, this.prevSpan()) };
    }
    let operand: Expr;
    if (this.isOp('(')) {
      this.next();
      operand = this.parseExpr();
      this.expectOp(')');
    } else {
      operand = this.parseUnary();
    }
    const from = this.parseIntervalUnit();
    const to = this.acceptKeyword('TO') ? this.parseIntervalUnit() : null;
    const span = joinSpans(start, this.prevSpan());
    const e: Expr = { kind: 'intervalOf', operand, from, to, span };
    return negative ? { kind: 'unary', op: '-', operand: e, span } : e;
  }

  /** `(left - right) qualifier`: `inner` is the parenthesized expression, `open` its `(`. */
  protected parseIntervalDiff(inner: Expr, open: Token): Expr {
    const from = this.parseIntervalUnit();
    const to = this.acceptKeyword('TO') ? this.parseIntervalUnit() : null;
    const span = joinSpans(open.span, this.prevSpan());
    if (inner.kind !== 'binary' || inner.op !== '-')
      this.fail(`A time unit after a parenthesized expression needs a difference: (a - b) ${from}`, span);
    return { kind: 'intervalDiff', left: inner.left, right: inner.right, from, to, span };
  }
}
