/**
 * Recursive views (Feldera's reference, "Mutually-Recursive Queries"): the front end's part.
 *
 * `DECLARE RECURSIVE VIEW v(col type, ...)` puts `v` in the catalog with its declared columns
 * before its definition, so that any view may read it (itself included). When `CREATE VIEW v`
 * comes, the type of its query must be the declared one, column names included
 * (`checkDeclaredType`).
 *
 * Once every statement is compiled, `orderRecursiveViews` finds the recursive groups: the
 * strongly connected components of the "view reads relation" graph that have a cycle. Every
 * view of a group is implicitly DISTINCT (its plan gets a DISTINCT on top), and a member that
 * is not declared must be LOCAL (Feldera refuses it otherwise: its output would be an
 * intermediate result of the recursion). The views are then put in dependency order with the
 * members of each group next to each other, which is what the engine needs to build the group
 * as one fixed-point operator (engine/operators/fixpoint.ts, design in docs/design/recursion.md).
 */
import { typeToSql } from '../engine/values/types.js';
import type { ColumnInfo } from './catalog.js';
import type { CompiledView } from './compile.js';
import { type MessageSink, type Span, SqlError } from './messages.js';
import { VALIDATION_ERROR } from './scope.js';

/** A view's place in a recursive group (on `CompiledView.recursive`). */
export interface RecursiveMembership {
  /** Groups are numbered from 0 in program order; members of a group are adjacent. */
  group: number;
  /**
   * Whether the view was declared with `DECLARE RECURSIVE VIEW`: reads of it inside the group
   * see its contents of the previous iteration (the feedback edge); reads of an undeclared
   * (LOCAL) member see the current iteration's.
   */
  declared: boolean;
}

/**
 * Checks that a recursive view's query has its declared type: same number of columns, same
 * names, same types. A declared nullable column accepts a query column that is NOT NULL (the
 * view then has the declared, nullable type); the reverse is refused. Throws `SqlError` with
 * Feldera's wording ("does not match the declared type").
 */
export function checkDeclaredType(
  view: string,
  declared: readonly ColumnInfo[],
  inferred: ReadonlyArray<{ name: string; type: ColumnInfo['type'] }>,
  span: Span,
): void {
  const show = (cols: ReadonlyArray<{ name: string; type: ColumnInfo['type'] }>) =>
    `(${cols.map((c) => `${c.name} ${typeToSql(c.type)}`).join(', ')})`;
  const matches =
    declared.length === inferred.length &&
    declared.every((d, i) => {
      const q = inferred[i]!;
      const sameBase = typeToSql({ ...d.type, nullable: true }) === typeToSql({ ...q.type, nullable: true });
      return d.name === q.name && sameBase && (d.type.nullable || !q.type.nullable);
    });
  if (!matches)
    throw new SqlError(
      span,
      VALIDATION_ERROR,
      `Type of view '${view}' ${show(inferred)} does not match the declared type ${show(declared)}`,
    );
}

/** What ordering needs to know of a compiled view. */
export interface ViewFacts {
  view: CompiledView;
  /** Relations its query reads (canonical names). */
  reads: ReadonlySet<string>;
  /** Where its name is, for errors. */
  span: Span;
}

/**
 * Finds the recursive groups of `views` (declaration order), marks their members, wraps their
 * plans in DISTINCT, and returns the views in dependency order (groups contiguous). Reports
 * to `sink`: an undeclared, non-LOCAL member (error); a declared view that is in no group
 * (warning, as Feldera).
 */
export function orderRecursiveViews(
  facts: readonly ViewFacts[],
  declared: ReadonlySet<string>,
  sink: MessageSink,
): CompiledView[] {
  const byName = new Map(facts.map((f) => [f.view.info.name, f]));
  // Tarjan's algorithm: it emits each strongly connected component after every component it
  // reads, which is the dependency order; visiting in declaration order keeps that order for
  // views that were already in it.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (name: string): void => {
    index.set(name, index.size);
    low.set(name, index.get(name)!);
    stack.push(name);
    onStack.add(name);
    for (const next of byName.get(name)!.reads) {
      if (!byName.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(name, Math.min(low.get(name)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(name, Math.min(low.get(name)!, index.get(next)!));
    }
    if (low.get(name) !== index.get(name)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== name);
    components.push(component);
  };
  for (const f of facts) if (!index.has(f.view.info.name)) visit(f.view.info.name);

  const order = new Map(facts.map((f, i) => [f.view.info.name, i]));
  const out: CompiledView[] = [];
  const grouped = new Set<string>();
  let groups = 0;
  for (const component of components) {
    const members = component.sort((a, b) => order.get(a)! - order.get(b)!);
    const only = byName.get(members[0]!)!;
    const recursive = members.length > 1 || only.reads.has(only.view.info.name);
    if (!recursive) {
      out.push(only.view);
      continue;
    }
    const group = groups++;
    for (const name of members) {
      const f = byName.get(name)!;
      grouped.add(name);
      const isDeclared = declared.has(name);
      if (!isDeclared && !f.view.info.local)
        sink.error(
          f.span,
          VALIDATION_ERROR,
          `View '${name}' must be declared either as LOCAL or as RECURSIVE`,
        );
      const plan = f.view.plan;
      out.push({
        info: f.view.info,
        plan: plan.kind === 'distinct' ? plan : { kind: 'distinct', input: plan, columns: plan.columns },
        recursive: { group, declared: isDeclared },
      });
    }
  }
  for (const name of declared)
    if (byName.has(name) && !grouped.has(name))
      sink.warning(
        byName.get(name)!.span,
        VALIDATION_ERROR,
        `View '${name}' is declared recursive, but is not used in any recursive computation`,
      );
  return out;
}
