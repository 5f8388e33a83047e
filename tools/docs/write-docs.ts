/** `make docs`: rewrites the files generated from the config schema (README table, env example, JSON schema). */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedFiles, withConfigTable } from './generated-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readmePath = `${root}/README.md`;
writeFileSync(readmePath, withConfigTable(readFileSync(readmePath, 'utf8')));
for (const [path, content] of Object.entries(generatedFiles())) writeFileSync(`${root}/${path}`, content);
console.log('wrote README.md config table, ' + Object.keys(generatedFiles()).join(', '));
