import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildSchema, checkDocumented, parseValuesFile, renderChartDocs } from '../../scripts/chart-docs.js';
import { helm, repoRoot } from './support/helm.js';

const regenerate = 'run `node --conditions=development --import tsx scripts/chart-docs.ts`';

describe('chart docs and schemas (scripts/chart-docs.ts)', function () {
  this.timeout(60_000);

  it(`keeps the README values table and every values.schema.json in sync with the values files (${regenerate})`, () => {
    const outputs = renderChartDocs(repoRoot);
    expect([...outputs.keys()]).to.include.members([
      'charts/gaia/README.md',
      'charts/gaia/values.schema.json',
      'charts/gaia/charts/gateway/values.schema.json',
      'charts/gaia/charts/auth/values.schema.json',
      'charts/gaia/charts/chat/values.schema.json',
    ]);
    for (const [path, content] of outputs)
      expect(readFileSync(join(repoRoot, path), 'utf8'), path).to.equal(content);
  });

  it('lists every documented value in the README table', () => {
    const readme = readFileSync(join(repoRoot, 'charts/gaia/README.md'), 'utf8');
    for (const key of [
      'global.imageRegistry',
      'nats.enabled',
      'migrations.image.repository',
      'autoscaling.hpa.customMetrics',
      'upstreams.chat.port',
    ])
      expect(readme).to.contain(`| \`${key}\` |`);
  });

  it('refuses a value without a ## @param line, and a @param for a value that does not exist', () => {
    const undocumented = parseValuesFile(
      '## @section S\n## @param a.b Documented\na:\n  b: 1\n  c: 2\n',
      'x.yaml',
    );
    expect(() => checkDocumented([undocumented])).to.throw(/x\.yaml: a\.c has no ## @param line/);
    const stale = parseValuesFile('## @section S\n## @param a Gone\nb: 1\n## @param b B\n', 'y.yaml');
    expect(() => checkDocumented([stale])).to.throw(/@param a documents a value that does not exist/);
  });

  it('builds strict schemas: typed leaves, enums, nullable modifiers, open objects and arrays', () => {
    const file = parseValuesFile(
      [
        '## @section S',
        '## @param replicas Replicas',
        '## @param mode [enum: Off|On] Mode',
        '## @param floor [integer, nullable] Floor',
        '## @param resources [object] Resources',
        '## @param tolerations [array] Tolerations',
        'replicas: 2',
        'mode: "Off"',
        'floor: null',
        'resources: {requests: {cpu: 1}}',
        'tolerations: []',
      ].join('\n'),
    );
    const params = file.sections.flatMap((s) => s.params);
    expect(buildSchema(params, file.values)).to.deep.include({
      type: 'object',
      additionalProperties: false,
      properties: {
        replicas: { type: 'integer', description: 'Replicas' },
        mode: { type: 'string', description: 'Mode', enum: ['Off', 'On'] },
        floor: { type: ['integer', 'null'], description: 'Floor' },
        resources: { type: 'object', description: 'Resources' },
        tolerations: { type: 'array', description: 'Tolerations' },
      },
    });
  });

  it('makes helm reject wrong types and unknown keys, in the umbrella and in the service subcharts', () => {
    const render =
      (...set: string[]) =>
      () =>
        helm(['template', 'gaia', 'charts/gaia', ...set.flatMap((s) => ['--set', s])]);
    expect(render('gateway.replicaCount=two')).to.throw(
      /gateway:[\s\S]*\/replicaCount': got string, want integer/,
    );
    expect(render('nats.enabled=yes')).to.throw(/\/nats\/enabled': got string, want boolean/);
    expect(render('chat.autoscaling.vpa.updateMode=Auto')).to.throw(/updateMode': value must be one of/);
    expect(render('chat.autoscaling.hpa.maxReplicaz=3')).to.throw(
      /additional properties 'maxReplicaz' not allowed/,
    );
    expect(render('auth.replicaCount=3')).to.not.throw();
  });
});
