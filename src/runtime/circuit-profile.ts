/**
 * Renderings of the circuit's performance profile (src/engine/profile.ts) for
 * `GET /circuit_json_profile` and `GET /circuit_profile`.
 *
 * Feldera's JSON profile has one entry per worker under `worker_profiles`; Sluice's circuit
 * runs on one thread, so there is one worker, 0. Each operator carries its measurements under
 * names that say their units. `graph` lists the dataflow (node ids, the edges between them),
 * the same for every worker, as in Feldera where the graph is drawn once for all workers.
 * Nothing in the JSON depends on when it was read, only on what the circuit did, so two reads
 * of an idle pipeline give the same document.
 *
 * Feldera's zip holds Graphviz files of the annotated circuit; Sluice's holds
 * `profile.json` (the JSON above), `profile.txt` (a table of the operators, the most
 * expensive first) and `circuit.dot` (the dataflow in Graphviz, each node labelled with its
 * kind, relation, time and records), zipped with fflate.
 */
import { strToU8, zipSync } from 'fflate';
import type { CircuitProfileData, OperatorProfile } from '../engine/profile.js';

export interface JsonCircuitProfile {
  worker_profiles: Array<{ worker: number; steps: number; operators: OperatorProfile[] }>;
  graph: { nodes: Array<{ id: number; kind: string; relation: string }>; edges: Array<[number, number]> };
}

export function jsonProfile(data: CircuitProfileData): JsonCircuitProfile {
  return {
    worker_profiles: [{ worker: 0, steps: data.steps, operators: data.operators }],
    graph: {
      nodes: data.operators.map((o) => ({ id: o.id, kind: o.kind, relation: o.relation })),
      edges: data.operators.flatMap((o) => o.inputs.map((from): [number, number] => [from, o.id])),
    },
  };
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(3)} ms`;
}

/** A text table of the operators, the most time-consuming first. */
export function textProfile(data: CircuitProfileData): string {
  const total = data.operators.reduce((n, o) => n + o.time_ms, 0);
  const header = [
    'node',
    'kind',
    'relation',
    'invocations',
    'time',
    'time %',
    'records in',
    'records out',
    'state entries',
    'state bytes',
  ];
  const rows = [...data.operators]
    .sort((a, b) => b.time_ms - a.time_ms)
    .map((o) => [
      String(o.id),
      o.kind,
      o.relation,
      String(o.invocations),
      formatMs(o.time_ms),
      total > 0 ? ((100 * o.time_ms) / total).toFixed(1) : '0.0',
      String(o.records_in),
      String(o.records_out),
      o.state ? String(o.state.entries) : '-',
      o.state ? String(o.state.bytes) : '-',
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `Circuit profile: ${data.steps} steps, ${data.operators.length} operators, ${formatMs(total)} in operators`,
    '',
    line(header),
    ...rows.map(line),
    '',
  ].join('\n');
}

function dotString(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

/** The dataflow as a Graphviz digraph, nodes labelled with their measurements. */
export function dotProfile(data: CircuitProfileData): string {
  const lines = ['digraph circuit {', '  node [shape=box, fontname="monospace"];'];
  for (const o of data.operators) {
    const state = o.state ? `\nstate: ${o.state.entries} entries, ${o.state.bytes} bytes` : '';
    const label = `${o.id}: ${o.kind}\n${o.relation}\n${formatMs(o.time_ms)} in ${o.invocations} steps\nrecords in ${o.records_in}, out ${o.records_out}${state}`;
    lines.push(`  n${o.id} [label=${dotString(label)}];`);
  }
  for (const o of data.operators) for (const from of o.inputs) lines.push(`  n${from} -> n${o.id};`);
  lines.push('}', '');
  return lines.join('\n');
}

/** The zip `GET /circuit_profile` answers. */
export function zipProfile(data: CircuitProfileData): Uint8Array {
  return zipSync({
    'profile.json': strToU8(JSON.stringify(jsonProfile(data), null, 2)),
    'profile.txt': strToU8(textProfile(data)),
    'circuit.dot': strToU8(dotProfile(data)),
  });
}
