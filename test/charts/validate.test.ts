import { expect } from 'chai';
import { validateObject, validObjects } from './support/validate.js';

const metadata = (name: string) => ({ name, namespace: 'gaia', labels: { app: name } });

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: metadata('gaia-chat'),
  spec: {
    selector: { matchLabels: { app: 'gaia-chat' } },
    template: {
      metadata: { labels: { app: 'gaia-chat' } },
      spec: {
        containers: [
          {
            name: 'chat',
            image: 'ghcr.io/gaia/chat:1.0.0',
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: { requests: { cpu: 1, memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
          },
        ],
      },
    },
  },
});

const validFixtures = [
  deployment(),
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata('gaia-chat'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gaia-chat' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Pods',
          pods: {
            metric: { name: 'gaia_chat_active_streams' },
            target: { type: 'AverageValue', averageValue: '20' },
          },
        },
      ],
    },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: metadata('gaia-chat'),
    spec: { selector: { matchLabels: { app: 'gaia-chat' } }, endpoints: [{ port: 'http' }] },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: metadata('gaia'),
    spec: { groups: [{ name: 'gaia', rules: [{ alert: 'GaiaDown', expr: 'up == 0' }] }] },
  },
  {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: metadata('gaia-chat'),
    spec: {
      scaleTargetRef: { name: 'gaia-chat' },
      triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }],
    },
  },
  {
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: metadata('gaia-chat'),
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gaia-chat' },
      updatePolicy: { updateMode: 'Off' },
    },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: metadata('gaia'),
    spec: {
      parentRefs: [{ name: 'public' }],
      rules: [{ backendRefs: [{ name: 'gaia-gateway', port: 80 }] }],
    },
  },
];

describe('manifest validation', () => {
  it('accepts valid objects of every supported kind', () => {
    expect(validFixtures.flatMap(validateObject)).to.deep.equal([]);
    expect(validObjects(validFixtures)).to.have.length(validFixtures.length);
  });

  it('reports a wrong type', () => {
    const bad = deployment();
    Object.assign(bad.spec.template.spec.containers[0]!.ports[0]!, { containerPort: 'abc' });
    expect(validateObject(bad)).to.deep.equal([
      'Deployment/gaia-chat spec.template.spec.containers[0].ports[0].containerPort must be integer',
    ]);
  });

  it('reports a missing required field', () => {
    const bad: Record<string, unknown> = deployment();
    bad.spec = { template: deployment().spec.template };
    expect(validateObject(bad)).to.deep.equal([
      'Deployment/gaia-chat spec must have required property selector',
    ]);
  });

  it('reports unknown fields by path, in nested objects and arrays', () => {
    const bad = deployment();
    Object.assign(bad.spec.template.spec.containers[0]!, { foo: 1 });
    Object.assign(bad.spec.template.spec.containers[0]!.readinessProbe.httpGet, { scheme2: 'HTTP' });
    Object.assign(bad.spec, { replica: 2 });
    expect(validateObject(bad)).to.have.members([
      'Deployment/gaia-chat spec.replica is not a field',
      'Deployment/gaia-chat spec.template.spec.containers[0].foo is not a field',
      'Deployment/gaia-chat spec.template.spec.containers[0].readinessProbe.httpGet.scheme2 is not a field',
    ]);
  });

  it('reports unknown fields in autoscaling/v2 objects', () => {
    const hpa = structuredClone(validFixtures[1]!) as { spec: Record<string, unknown> };
    hpa.spec.targetCPUUtilizationPercentage = 70;
    expect(validateObject(hpa)).to.deep.equal([
      'HorizontalPodAutoscaler/gaia-chat spec.targetCPUUtilizationPercentage is not a field',
    ]);
  });

  it('reports wrong types in custom resources', () => {
    const vpa = structuredClone(validFixtures[5]!) as { spec: { updatePolicy: unknown } };
    vpa.spec.updatePolicy = { updateMode: 'Sometimes' };
    expect(validateObject(vpa))
      .to.have.length(1)
      .and.to.match(/updateMode must be equal to one/);
  });

  it('rejects an unknown apiVersion or kind', () => {
    expect(validateObject({ ...deployment(), apiVersion: 'apps/v1beta1' })).to.deep.equal([
      'Deployment/gaia-chat has no schema for apps/v1beta1 Deployment',
    ]);
    expect(validateObject({ ...deployment(), kind: 'Deploymnet' })[0]).to.equal(
      'Deploymnet/gaia-chat has no schema for apps/v1 Deploymnet',
    );
    expect(validateObject({ kind: 'Deployment' })[0]).to.match(/^document without apiVersion/);
    expect(validateObject({ ...deployment(), metadata: {} })).to.deep.equal([
      'Deployment without metadata.name',
    ]);
  });

  it('checks HTTPRoute structure and fields without a model', () => {
    const route = structuredClone(validFixtures[6]!) as { spec: Record<string, unknown> };
    route.spec = { rules: [{ backendRefs: [{ name: 'gaia-gateway' }], timeout: '1h' }] };
    expect(validateObject(route)).to.deep.equal([
      'HTTPRoute/gaia spec.parentRefs must be a non-empty array',
      'HTTPRoute/gaia spec.rules[0].backendRefs[0] needs a string name and an integer port',
      'HTTPRoute/gaia spec.rules[0].timeout is not a field',
    ]);
  });

  it('throws listing every problem when narrowing documents', () => {
    expect(() => validObjects([deployment(), { kind: 'Pod' }])).to.throw(/document without/);
  });
});
