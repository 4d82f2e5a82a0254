// Runs a directory of SQL corpus cases (default test/sql/corpus) and prints each case that is
// not right, then the counts: right / wrong / refused / other. Format: test/helpers/sql-corpus.ts.
// Usage: npm run sql:corpus -- [dir] [--all]
import { loadCorpus, runCase, tally } from '../test/helpers/sql-corpus.js';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--')) ?? 'test/sql/corpus';
const results = loadCorpus(dir).map(runCase);
for (const r of results)
  if (r.verdict !== 'right' || args.includes('--all'))
    console.log(`${r.verdict.padEnd(7)} ${r.case.file} / ${r.case.name}${r.detail ? `: ${r.detail}` : ''}`);
const counts = tally(results);
console.log(
  `${results.length} cases: ${counts.right} right, ${counts.wrong} wrong, ${counts.refused} refused, ${counts.other} other`,
);
process.exit(counts.wrong > 0 ? 1 : 0);
