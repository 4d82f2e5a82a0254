// Rewrites the generated coverage tables of docs/sql.md (see scripts/sql-coverage.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { BEGIN, END, renderSqlCoverage } from './sql-coverage.js';

const path = 'docs/sql.md';
const text = readFileSync(path, 'utf8');
const start = text.indexOf(BEGIN);
const end = text.indexOf(END);
if (start < 0 || end < 0) throw new Error(`${path} lacks the generated-section markers`);
writeFileSync(path, text.slice(0, start) + renderSqlCoverage() + text.slice(end + END.length));
