import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { collectVariables, renderEnvExample, renderReadme } from '../launcher/src/config-docs.js';

describe('configuration docs', () => {
  it('.env.example lists every variable of every service (run `npm run docs` after changing a schema)', () => {
    expect(readFileSync('.env.example', 'utf8')).to.equal(renderEnvExample());
  });

  it("README's configuration table is up to date (run `npm run docs`)", async () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(await renderReadme(readme)).to.equal(readme);
  });

  it('describes every variable', () => {
    for (const variable of collectVariables()) expect(variable.description, variable.name).to.not.equal('');
  });
});
