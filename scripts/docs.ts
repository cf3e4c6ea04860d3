// `npm run docs`: writes docs/content-reference.md from the schemas (src/config/content-reference.ts).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_FILE, renderContentReference } from '../src/config/content-reference.ts';

writeFileSync(REFERENCE_FILE, renderContentReference());
console.log(`Wrote ${join('docs', 'content-reference.md')}.`);
