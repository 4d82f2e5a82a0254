/**
 * Builds a recursive group of views (the members the front end marked `recursive`, adjacent in
 * dependency order) into the outer dataflow: one `Fixpoint` operator (operators/fixpoint.ts)
 * whose inputs are the relations outside the group that the members read, then one node per
 * member that keeps that member's rows of the group's tagged output.
 *
 * Inside the sub-circuit a read of a declared member is its feedback source (the previous
 * iteration's delta); a read of an undeclared (LOCAL) member is that member's node, built
 * earlier in the same sub-circuit (the front end only lets a view read an undeclared view
 * defined before it, so this order always exists); any other read becomes a source fed the
 * outer relation's integrated contents.
 */
import type { CompiledView } from '../sql/compile.js';
import { buildRel } from './build.js';
import { Dataflow, type Operator } from './dataflow.js';
import { nodeIdentity } from './node-identity.js';
import { Fixpoint, type SubCircuit } from './operators/fixpoint.js';
import { FlatMap } from './operators/flat-map.js';
import type { Row } from './values/value.js';

/** Stands for the clock input among the group's inputs (no relation has this name). */
const CLOCK = '\u0000clock';

/** A source of the sub-circuit: it passes on the batch it is fed. */
const FEED: Operator = { step: ([input]) => input! };

/**
 * Adds the group to `outer`; returns, per member's name, the node of its delta. `scan` and
 * `clock` give the outer nodes of the relations and the clock the group reads.
 */
export function buildRecursiveGroup(
  members: readonly CompiledView[],
  outer: Dataflow,
  scan: (relation: string) => number,
  clock: () => number,
  maxIterations?: number,
): Map<string, number> {
  const names = members.map((m) => m.info.name);
  /** The outer relations read, in the order of the operator's inputs (found by the first build). */
  const reads: string[] = [];
  const build = (): SubCircuit => {
    const dataflow = new Dataflow();
    const sources = new Map<string, number>();
    const source = (relation: string): number => {
      let node = sources.get(relation);
      if (node === undefined) {
        node = dataflow.addSource(
          FEED,
          relation === CLOCK ? 'NOW()' : relation,
          nodeIdentity('recursive-input', relation, []),
        );
        sources.set(relation, node);
        if (!reads.includes(relation)) reads.push(relation);
      }
      return node;
    };
    const feedback = members.map((m) =>
      m.recursive!.declared
        ? dataflow.addSource(FEED, m.info.name, nodeIdentity('recursive-feedback', m.info.name, []))
        : -1,
    );
    const built = new Map<string, number>();
    const outputs = members.map((m) => {
      const node = buildRel(
        m.plan,
        m.info.name,
        dataflow,
        (relation) => {
          const member = names.indexOf(relation);
          if (member < 0) return source(relation);
          if (feedback[member]! >= 0) return feedback[member]!;
          const node = built.get(relation);
          if (node === undefined)
            throw new Error(`recursive view ${m.info.name} reads ${relation} before it is built`);
          return node;
        },
        () => source(CLOCK),
      );
      built.set(m.info.name, node);
      return node;
    });
    return { dataflow, inputs: reads.map(source), feedback, outputs };
  };
  build();
  const inputs = reads.map((r) => (r === CLOCK ? clock() : scan(r)));
  const owner = (members.find((m) => m.recursive!.declared) ?? members[0]!).info.name;
  // The group's identity covers its members' whole plans (their reads of each other are by
  // name, so a renamed member makes a new group) and the identities of the outer inputs.
  const identity = nodeIdentity(
    'fixpoint',
    members.map((m) => ({ name: m.info.name, declared: m.recursive!.declared, plan: m.plan })),
    inputs.map((i) => outer.nodes[i]!.identity),
  );
  const fixpoint = outer.add(
    new Fixpoint(inputs.length, names, build, maxIterations),
    inputs,
    owner,
    identity,
  );
  const nodes = new Map<string, number>();
  members.forEach((m, i) => {
    const untag = (row: Row): readonly Row[] => (row[0] === i ? [row.slice(1)] : []);
    nodes.set(
      m.info.name,
      outer.add(new FlatMap(untag), [fixpoint], m.info.name, nodeIdentity('recursive-member', i, [identity])),
    );
  });
  return nodes;
}
