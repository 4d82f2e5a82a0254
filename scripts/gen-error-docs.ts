// Writes docs/errors.md from the error-code registry (src/types/errors.ts).
// test/types/errors.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { renderErrorDocs } from '../src/types/error-docs.js';

writeFileSync('docs/errors.md', renderErrorDocs());
