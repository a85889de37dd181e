import { createMemoryBus, freePort } from '@gaia/platform';
import { endpointSlice, startFakeKubernetes, type FakeKubernetes } from '@gaia/testkit';
import { expect } from 'chai';
import { loadGatewayConfig, startGateway } from '../src/index.js';
import { startDiscoveryGateway, startPod, type TestPod } from './discovery-support.js';
import {
  eventually,
  INTERNAL_SECRET,
  json,
  quietLogger,
  startEchoUpstream,
  startTestGateway,
  userJwt,
  type TestGateway,
} from './support.js';

const auth = { authorization: `Bearer ${userJwt()}` };
const SCALING = '/api/v0.2/performance/scaling';

describe('gateway with kubernetes service discovery', () => {
  let kube: FakeKubernetes;
  let gateway: TestGateway;
  let port: number;
  let a: TestPod;
  let b: TestPod;

  const chatSlice = (...pods: { address: string; ready?: boolean; terminating?: boolean }[]) =>
    kube.applyEndpointSlice(endpointSlice('gaia-chat-x1', 'gaia-chat', port, pods));
  /** Sends `count` requests one after another; answers which pod served each. */
  const send = async (count: number) => {
    const pods: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${gateway.url}/api/v0.2/models`, { headers: auth });
      expect(response.status).to.equal(200);
      pods.push(((await json(response)) as { pod: string }).pod);
    }
    return pods;
  };
  const hold = (signal?: AbortSignal) =>
    fetch(`${gateway.url}/api/v0.2/models`, { headers: { ...auth, 'x-test-hold': '1' }, signal }).catch(
      (error: unknown) => error,
    );

  before(async () => {
    kube = await startFakeKubernetes();
    port = await freePort();
    // Two pods on the same port, as in a cluster: 127.0.0.2 is loopback too.
    [a, b] = await Promise.all([startPod('127.0.0.1', port), startPod('127.0.0.2', port)]);
    chatSlice({ address: a.address });
    gateway = await startDiscoveryGateway(kube, { CHAT_SERVICE_URL: `http://gaia-chat:${port}` });
  });
  after(async () => {
    await gateway.stop();
    await Promise.all([a.stop(), b.stop(), kube.stop()]);
  });
  afterEach(() => {
    a.releaseHeld();
    b.releaseHeld();
  });

  it('is ready once the EndpointSlices are listed, and sends requests to the ready pod', async () => {
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).to.equal(200);
    expect((await json(ready)).checks).to.deep.equal({ bus: 'ok', discovery: 'ok' });
    expect(await send(3)).to.deep.equal(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('sends to a new ready pod right after its slice lists it, taking turns while both are idle', async () => {
    chatSlice({ address: a.address }, { address: b.address });
    expect(await eventually(async () => (await send(2)).includes(b.address), 1000)).to.equal(true);
    expect((await send(4)).sort()).to.deep.equal(['127.0.0.1', '127.0.0.1', '127.0.0.2', '127.0.0.2']);
  });

  it('sends new requests to the pod with fewer in flight while the other holds one', async () => {
    const held = hold();
    expect(await eventually(() => a.holding + b.holding === 1)).to.equal(true);
    const idle = a.holding ? b.address : a.address;
    expect(await send(4)).to.deep.equal([idle, idle, idle, idle]);

    a.releaseHeld();
    b.releaseHeld();
    expect(((await held) as Response).status).to.equal(200);
    expect((await send(4)).sort(), 'released when the response finished').to.deep.equal([
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.2',
      '127.0.0.2',
    ]);
  });

  it('releases a pod when the client goes away before the answer', async () => {
    const controller = new AbortController();
    const held = hold(controller.signal);
    expect(await eventually(() => a.holding + b.holding === 1)).to.equal(true);
    const [busy, idle] = a.holding ? [a, b] : [b, a];
    expect(await send(2)).to.deep.equal([idle.address, idle.address]);
    controller.abort();
    await held;
    expect(await eventually(() => busy.abandoned > 0)).to.equal(true);
    expect((await send(4)).filter((pod) => pod === busy.address)).to.have.length(2);
  });

  it('stops sending to a pod that leaves the slice, turns not ready or terminates', async () => {
    for (const leaving of [
      [],
      [{ address: b.address, ready: false }],
      [{ address: b.address, ready: false, terminating: true }],
    ]) {
      chatSlice({ address: b.address }, { address: a.address });
      expect(await eventually(async () => (await send(2)).includes(b.address))).to.equal(true);
      chatSlice({ address: a.address }, ...leaving);
      expect(
        await eventually(async () => !(await send(2)).includes(b.address)),
        JSON.stringify(leaving),
      ).to.equal(true);
      expect(await send(4)).to.deep.equal(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
    }
  });

  it('answers 503 while no pod is ready, and counts it', async () => {
    chatSlice({ address: a.address, ready: false });
    expect(
      await eventually(
        async () => (await fetch(`${gateway.url}/api/v0.2/models`, { headers: auth })).status === 503,
      ),
    ).to.equal(true);
    const response = await fetch(`${gateway.url}/api/v0.2/models`, { headers: auth });
    expect(await json(response)).to.deep.equal({ detail: 'Service chat unavailable' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).to.match(
      /gaia_gateway_upstream_errors_total\{service="chat",reason="no_endpoints"[^}]*\} [1-9]/,
    );
    expect(metrics).to.match(/gaia_gateway_upstream_endpoints\{service="chat"[^}]*\} 0/);
    chatSlice({ address: a.address });
    expect(await eventually(async () => (await send(1))[0] === a.address)).to.equal(true);
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).to.match(
      /gaia_gateway_upstream_endpoints\{service="chat"[^}]*\} 1/,
    );
  });

  describe(`GET ${SCALING}`, () => {
    it("reports each service's ready pods and its HPA's replicas, reading the HPA at most every few seconds", async () => {
      chatSlice({ address: a.address }, { address: b.address });
      kube.setHorizontalPodAutoscaler('gaia-chat', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'gaia-chat', namespace: kube.namespace },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gaia-chat' },
          minReplicas: 2,
          maxReplicas: 10,
        },
        status: { currentReplicas: 2, desiredReplicas: 4 },
      });
      expect(
        await eventually(async () => {
          const report = await json(await fetch(`${gateway.url}${SCALING}`, { headers: auth }));
          return report.services[1].ready_pods === 2;
        }),
      ).to.equal(true);
      const hpaReads = kube.calls.hpa;
      const response = await fetch(`${gateway.url}${SCALING}`, { headers: auth });
      expect(response.status).to.equal(200);
      expect(await json(response)).to.deep.equal({
        discovery: 'kubernetes',
        namespace: 'gaia',
        services: [
          { service: 'auth', kubernetes_service: null, ready_pods: 0, hpa: null },
          {
            service: 'chat',
            kubernetes_service: 'gaia-chat',
            ready_pods: 2,
            hpa: { current_replicas: 2, desired_replicas: 4, min_replicas: 2, max_replicas: 10 },
          },
          { service: 'asset', kubernetes_service: null, ready_pods: 0, hpa: null },
        ],
      });
      expect(kube.calls.hpa).to.equal(hpaReads);
    });

    it('needs credentials and takes only GET', async () => {
      const anonymous = await fetch(`${gateway.url}${SCALING}`);
      expect(anonymous.status).to.equal(401);
      expect((await json(anonymous)).detail).to.be.a('string');
      const post = await fetch(`${gateway.url}${SCALING}`, { method: 'POST', headers: auth });
      expect(post.status).to.equal(405);
      expect(post.headers.get('allow')).to.equal('GET, HEAD');
    });

    it('is documented in /openapi.json as an authenticated route', async () => {
      const document = await json(await fetch(`${gateway.url}/openapi.json`));
      expect(document.paths[SCALING].get.security).to.deep.equal([{ ApiKeyHeader: [] }, { BearerJWT: [] }]);
    });
  });
});

describe('gateway with kubernetes service discovery before the first list', () => {
  it('is not ready until the EndpointSlices are listed, and reports a missing HPA as null', async () => {
    const kube = await startFakeKubernetes();
    kube.failNextRequests(1, 503);
    const gateway = await startDiscoveryGateway(kube, { CHAT_SERVICE_URL: 'http://gaia-chat:8003' });
    try {
      const notReady = await fetch(`${gateway.url}/ready`);
      expect(notReady.status).to.equal(503);
      expect((await json(notReady)).checks.discovery).to.equal(
        'unavailable: EndpointSlices not listed yet: gaia-chat',
      );
      expect(await eventually(async () => (await fetch(`${gateway.url}/ready`)).ok, 3000)).to.equal(true);
      const report = await json(await fetch(`${gateway.url}${SCALING}`, { headers: auth }));
      expect(report.services[1]).to.deep.equal({
        service: 'chat',
        kubernetes_service: 'gaia-chat',
        ready_pods: 0,
        hpa: null,
      });
    } finally {
      await gateway.stop();
      await kube.stop();
    }
  });
});

describe('gateway with static service discovery', () => {
  it(`answers ${SCALING} with the configured URLs and no HPA, and adds no readiness check`, async () => {
    const upstream = await startEchoUpstream();
    const gateway = await startTestGateway({ CHAT_SERVICE_URL: upstream.url });
    try {
      expect(await json(await fetch(`${gateway.url}${SCALING}`, { headers: auth }))).to.deep.equal({
        discovery: 'static',
        services: [
          { service: 'auth', url: null, ready_pods: null, hpa: null },
          { service: 'chat', url: upstream.url, ready_pods: null, hpa: null },
          { service: 'asset', url: null, ready_pods: null, hpa: null },
        ],
      });
      expect((await json(await fetch(`${gateway.url}/ready`))).checks).to.deep.equal({ bus: 'ok' });
    } finally {
      await gateway.stop();
      await upstream.stop();
    }
  });
});

describe('SERVICE_DISCOVERY configuration', () => {
  it('refuses to start in kubernetes mode outside a pod, naming what is missing', async () => {
    const start = (env: Record<string, string>) =>
      startGateway(
        loadGatewayConfig({ INTERNAL_AUTH_SECRET: INTERNAL_SECRET, SERVICE_DISCOVERY: 'kubernetes', ...env }),
        { logger: quietLogger, bus: createMemoryBus(quietLogger) },
      ).then(
        () => expect.fail('started'),
        (error: Error) => error.message,
      );
    expect(await start({})).to.match(/needs POD_NAMESPACE or \/var\/run\/secrets/);
    expect(await start({ POD_NAMESPACE: 'gaia' })).to.match(/KUBERNETES_SERVICE_HOST is unset/);
  });

  it('defaults to static, and in kubernetes mode wants every service URL to name a Service', () => {
    expect(loadGatewayConfig({ INTERNAL_AUTH_SECRET: INTERNAL_SECRET }).SERVICE_DISCOVERY).to.equal('static');
    const config = loadGatewayConfig({
      INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
      SERVICE_DISCOVERY: 'kubernetes',
      CHAT_SERVICE_URL: 'http://gaia-chat.gaia.svc.cluster.local:8003',
    });
    expect(config.SERVICE_DISCOVERY).to.equal('kubernetes');
    expect(() =>
      loadGatewayConfig({
        INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
        SERVICE_DISCOVERY: 'kubernetes',
        CHAT_SERVICE_URL: 'http://10.0.0.7:8003',
        AUTH_SERVICE_URL: 'http://Auth_Service:8001',
      }),
    ).to.throw(/AUTH_SERVICE_URL: must name a Kubernetes Service[\s\S]*CHAT_SERVICE_URL: must name/);
    expect(() =>
      loadGatewayConfig({ INTERNAL_AUTH_SECRET: INTERNAL_SECRET, SERVICE_DISCOVERY: 'dns' }),
    ).to.throw(/SERVICE_DISCOVERY/);
  });
});
