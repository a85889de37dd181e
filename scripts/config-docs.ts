// `npm run docs`: regenerate .env.example and the README's configuration table from the config schemas.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderEnvExample, renderReadme } from '../launcher/src/config-docs.js';

writeFileSync('.env.example', renderEnvExample());
writeFileSync('README.md', await renderReadme(readFileSync('README.md', 'utf8')));
