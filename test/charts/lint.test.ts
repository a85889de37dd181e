import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { chartDir, helm, renderChart, repoRoot, supportedKubeVersions } from './support/helm.js';

interface ChartYaml {
  name: string;
  version: string;
  appVersion?: string;
  kubeVersion?: string;
  dependencies?: { name: string; version: string; repository?: string; condition?: string }[];
}

const readChart = (dir: string) => parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as ChartYaml;
const ciFiles = readdirSync(join(chartDir, 'ci'))
  .filter((name) => name.endsWith('-values.yaml'))
  .map((name) => `charts/gaia/ci/${name}`);
const umbrella = readChart(chartDir);
const services = (umbrella.dependencies ?? []).filter((d) => !d.repository).map((d) => d.name);
const serviceDirs = services.map((name) => join(chartDir, 'charts', name));

type K8sObject = { kind: string; metadata: { name: string } };
const names = (objects: unknown[], kind: string) =>
  (objects as K8sObject[]).filter((o) => o.kind === kind).map((o) => o.metadata.name);

describe('charts/gaia: lint and render', function () {
  this.timeout(60_000);

  it('has the five ci values files the docs and CI rely on', () => {
    expect(ciFiles.map((f) => f.split('/').pop())).to.include.members([
      'default-values.yaml',
      'ha-values.yaml',
      'keda-values.yaml',
      'vpa-recommend-values.yaml',
      'minimal-values.yaml',
    ]);
  });

  it('lints clean with --strict --with-subcharts on its defaults', () => {
    const output = helm(['lint', '--strict', '--with-subcharts', 'charts/gaia']);
    expect(output).to.match(/0 chart\(s\) failed/);
    expect(output).to.not.match(/\[(WARNING|ERROR)\]/);
  });

  for (const file of ciFiles) {
    it(`lints clean with --strict --with-subcharts on ${file}`, () => {
      const output = helm(['lint', '--strict', '--with-subcharts', 'charts/gaia', '--values', file]);
      expect(output).to.not.match(/\[(WARNING|ERROR)\]/);
    });
  }

  for (const kubeVersion of supportedKubeVersions) {
    for (const file of [undefined, ...ciFiles]) {
      it(`renders ${file ?? 'the defaults'} for Kubernetes ${kubeVersion}`, () => {
        const objects = renderChart({ values: file ? [file] : [], kubeVersion });
        expect(names(objects, 'Deployment')).to.have.members(services.map((s) => `gaia-${s}`));
        expect(names(objects, 'Service')).to.include.members(services.map((s) => `gaia-${s}`));
      });
    }
  }

  it('refuses a Kubernetes version below the supported range', () => {
    expect(() => renderChart({ kubeVersion: '1.29.9' })).to.throw(/requires kubeVersion/);
  });

  it('fails the render with a clear message when a service turns on both HPA and KEDA', () => {
    expect(() =>
      renderChart({
        set: { 'chat.autoscaling.hpa.enabled': 'true', 'chat.autoscaling.keda.enabled': 'true' },
      }),
    ).to.throw(/chat values are invalid:[\s\S]*HPA and KEDA/);
  });
});

describe('charts/gaia: chart metadata', () => {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  const library = readChart(join(repoRoot, 'charts/gaia-lib'));

  it('gives every chart the same kubeVersion and the application charts appVersion = package.json version', () => {
    for (const chart of [umbrella, library, ...serviceDirs.map(readChart)])
      expect(chart.kubeVersion, chart.name).to.equal(umbrella.kubeVersion);
    for (const chart of [umbrella, ...serviceDirs.map(readChart)])
      expect(chart.appVersion, chart.name).to.equal(version);
    expect(library).to.include({ name: 'gaia-lib' });
    expect(library).to.have.property('type', 'library');
  });

  it('pins the versions its subcharts and the library really have, and gates each service on <service>.enabled', () => {
    for (const dependency of umbrella.dependencies ?? []) {
      const dir = dependency.repository
        ? join(repoRoot, 'charts/gaia-lib')
        : join(chartDir, 'charts', dependency.name);
      expect(dependency.version, dependency.name).to.equal(readChart(dir).version);
      if (!dependency.repository) expect(dependency.condition).to.equal(`${dependency.name}.enabled`);
    }
    for (const dir of serviceDirs)
      expect(readChart(dir).dependencies).to.deep.equal([
        { name: 'gaia-lib', version: library.version, repository: 'file://../../../gaia-lib' },
      ]);
  });

  it('makes every service template a one-line include of the library, the same set in every subchart', () => {
    const templates = (dir: string) => readdirSync(join(dir, 'templates')).sort();
    const [first, ...rest] = serviceDirs.map(templates);
    for (const other of rest) expect(other).to.deep.equal(first);
    for (const dir of serviceDirs)
      for (const name of templates(dir)) {
        const kind = name.replace(/\.yaml$/, '');
        expect(readFileSync(join(dir, 'templates', name), 'utf8'), `${dir}/${name}`).to.equal(
          `{{- include "gaia-lib.${kind}.manifest" . }}\n`,
        );
      }
  });
});
