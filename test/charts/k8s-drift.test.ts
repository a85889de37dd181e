import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { committedManifests, FOLDERS, renderK8sManifests } from '../../scripts/render-k8s.js';
import { renderChart, repoRoot } from './support/helm.js';
import { validObjects, type K8sObject } from './support/validate.js';

interface Autoscaler extends K8sObject {
  spec: { scaleTargetRef?: { name: string }; targetRef?: { name: string } };
}

describe('k8s/hpa and k8s/vpa', () => {
  const rendered = renderK8sManifests();
  const committed = Object.values(FOLDERS).flatMap(committedManifests);

  it('are exactly the fresh render of the chart (run `npm run k8s:render` after chart changes)', () => {
    expect(committed.sort()).to.deep.equal([...rendered.keys()].sort());
    for (const path of committed)
      expect(readFileSync(join(repoRoot, path), 'utf8'), `${path} is stale`).to.equal(rendered.get(path));
  });

  it('hold one valid HPA and one valid VPA per service, each targeting the Deployment of release gaia', () => {
    // Parsed as kubectl reads them: YAML 1.1, where an unquoted Off is false.
    const manifests = validObjects(
      committed.map(
        (path) => parse(readFileSync(join(repoRoot, path), 'utf8'), { version: '1.1' }) as unknown,
      ),
    );
    const deployments = renderChart({})
      .filter((o): o is K8sObject => (o as K8sObject).kind === 'Deployment')
      .map((d) => d.metadata.name)
      .sort();
    for (const kind of Object.keys(FOLDERS)) {
      const targets = (manifests.filter((m) => m.kind === kind) as Autoscaler[])
        .map((m) => m.spec.scaleTargetRef?.name ?? m.spec.targetRef?.name)
        .sort();
      expect(targets, kind).to.deep.equal(deployments);
    }
  });
});
