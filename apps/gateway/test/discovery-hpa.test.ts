import { startFakeKubernetes, type FakeKubernetes } from '@gaia/testkit';
import { expect } from 'chai';
import { createHpaReader } from '../src/discovery/hpa-reader.js';
import { capturingLogger, fakeKubeConfig } from './discovery-support.js';
import { eventually } from './support.js';

describe('HPA reader', () => {
  let kube: FakeKubernetes;
  before(async () => {
    kube = await startFakeKubernetes();
    kube.setHorizontalPodAutoscaler('gaia-chat', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'gaia-chat' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'gaia-chat' }, maxReplicas: 6 },
      status: { desiredReplicas: 1 },
    });
  });
  after(() => kube.stop());

  it('reads replicas, defaulting min to 1 and an unreported current to null, once per TTL', async () => {
    let clock = 0;
    const log = capturingLogger();
    const read = createHpaReader({
      kubeConfig: fakeKubeConfig(kube),
      namespace: kube.namespace,
      ttlMs: 5000,
      logger: log.logger,
      now: () => clock,
    });
    const before = kube.calls.hpa;
    const expected = { current_replicas: null, desired_replicas: 1, min_replicas: 1, max_replicas: 6 };
    const [first, second] = await Promise.all([read('gaia-chat'), read('gaia-chat')]);
    expect(first).to.deep.equal(expected);
    expect(second).to.deep.equal(expected);
    clock = 4999;
    await read('gaia-chat');
    expect(kube.calls.hpa - before).to.equal(1);
    clock = 5000;
    await read('gaia-chat');
    expect(kube.calls.hpa - before).to.equal(2);
    expect(await read('gaia-auth'), 'no HPA').to.equal(null);
    expect(log.lines()).to.deep.equal([]);
  });

  it('answers null with a warning when the HPA cannot be read', async () => {
    const log = capturingLogger();
    const read = createHpaReader({
      kubeConfig: fakeKubeConfig(kube),
      namespace: 'kube-system',
      ttlMs: 5000,
      logger: log.logger,
    });
    expect(await read('gaia-chat')).to.equal(null);
    expect(await eventually(() => log.lines().length === 1)).to.equal(true);
    expect(log.lines()[0]).to.include({ level: 'warn', hpa: 'gaia-chat' });
    expect(log.lines()[0]!.error).to.match(/^HTTP 403: forbidden/);
  });
});
