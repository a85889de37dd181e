import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { helm, renderChart, supportedKubeVersions } from './support/helm.js';
import { validateObject } from './support/validate.js';

const GOLDEN = 'test/charts/golden/default.yaml';
const NEWEST_KUBERNETES = supportedKubeVersions[1];

/** Lowest and highest Kubernetes versions a constraint like ">=1.30.0-0 <1.37.0-0" admits. */
function supportedKubernetes(constraint: string): [string, string] {
  const version = (operator: string) =>
    new RegExp(`${operator}\\s*v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?`).exec(constraint)?.slice(1).map(Number);
  const [minMajor, minMinor, minPatch = 0] = version('>=') ?? [];
  if (minMajor === undefined) throw new Error(`Chart.yaml kubeVersion "${constraint}" has no lower bound`);
  const atMost = version('<=');
  const below = version('<(?!=)');
  const highest = atMost ? atMost.join('.') : below ? `${below[0]}.${below[1]! - 1}.0` : NEWEST_KUBERNETES;
  return [`${minMajor}.${minMinor}.${minPatch}`, highest];
}

const chart = parse(readFileSync('charts/gaia/Chart.yaml', 'utf8')) as { kubeVersion?: string };
const kubeVersions = supportedKubernetes(chart.kubeVersion ?? '');
const valueSets: [string, string[]][] = [
  ['default values', []],
  ...readdirSync('charts/gaia/ci')
    .filter((file) => file.endsWith('-values.yaml'))
    .map((file): [string, string[]] => [`ci/${file}`, [`charts/gaia/ci/${file}`]]),
];

describe('chart render', () => {
  for (const [name, values] of valueSets)
    for (const kubeVersion of kubeVersions)
      it(`renders valid objects with ${name} on Kubernetes ${kubeVersion}`, () => {
        const objects = renderChart({ values, kubeVersion });
        expect(objects).to.not.be.empty;
        expect(objects.flatMap(validateObject)).to.deep.equal([]);
      });

  it('refuses HPA and KEDA together for one service', () => {
    expect(() =>
      renderChart({
        set: { 'chat.autoscaling.hpa.enabled': 'true', 'chat.autoscaling.keda.enabled': 'true' },
      }),
    ).to.throw(/HPA and KEDA/);
  });
});

describe('values.schema.json', () => {
  /** Helm's schema error for `chart` at `pointer`, e.g. "chat:\n- at '/replicaCount': got string". */
  const schemaError = (chart: string, pointer: string, message: string) =>
    new RegExp(`^${chart}:\\n- at '${pointer}': ${message}`, 'm');
  const render = (flag: string, setting: string) => () =>
    helm(['template', 'gaia', 'charts/gaia', flag, setting]);

  it('the umbrella schema rejects wrong types and enum values', () => {
    expect(render('--set', 'migrations.backoffLimit=abc')).to.throw(
      schemaError('gaia', '/migrations/backoffLimit', 'got string, want integer'),
    );
    expect(render('--set-string', 'migrations.backoffLimit=6')).to.throw(
      schemaError('gaia', '/migrations/backoffLimit', 'got string, want integer'),
    );
    expect(render('--set', 'tests.image.pullPolicy=Sometimes')).to.throw(
      schemaError('gaia', '/tests/image/pullPolicy', 'value must be one of'),
    );
  });

  it('a subchart schema rejects wrong types, enum values and unknown keys', () => {
    expect(render('--set', 'chat.replicaCount=abc')).to.throw(
      schemaError('chat', '/replicaCount', 'got string, want integer'),
    );
    expect(render('--set-string', 'chat.replicaCount=2')).to.throw(
      schemaError('chat', '/replicaCount', 'got string, want integer'),
    );
    expect(render('--set', 'chat.autoscaling.vpa.updateMode=Sometimes')).to.throw(
      schemaError('chat', '/autoscaling/vpa/updateMode', 'value must be one of'),
    );
    expect(render('--set', 'gateway.replicaz=2')).to.throw(
      schemaError('gateway', '', "additional properties 'replicaz' not allowed"),
    );
  });
});

describe('golden render', () => {
  const args = ['template', 'gaia', 'charts/gaia', '--namespace', 'gaia'];

  it('is deterministic (no random secrets, timestamps or unstable checksums)', () => {
    const [first, second] = [helm(args).split('\n'), helm(args).split('\n')];
    expect(first.filter((line, i) => line !== second[i])).to.deep.equal([]);
  });

  it(`matches ${GOLDEN} (UPDATE_GOLDEN=1 rewrites it)`, () => {
    const rendered = helm(args);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, rendered);
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: run with UPDATE_GOLDEN=1`).to.equal(true);
    expect(rendered).to.equal(readFileSync(GOLDEN, 'utf8'));
  });
});
