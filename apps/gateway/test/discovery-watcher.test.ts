import { endpointSlice, startFakeKubernetes, type FakeKubernetes } from '@gaia/testkit';
import { expect } from 'chai';
import {
  createEndpointSliceWatcher,
  readyHosts,
  type EndpointSliceWatcher,
} from '../src/discovery/endpoint-slice-watcher.js';
import { capturingLogger, fakeKubeConfig } from './discovery-support.js';
import { eventually } from './support.js';

const SERVICE = 'gaia-chat';
const slice = (name: string, ...addresses: string[]) =>
  endpointSlice(
    name,
    SERVICE,
    8003,
    addresses.map((address) => ({ address })),
  );

describe('EndpointSlice watcher', () => {
  let kube: FakeKubernetes;
  let watcher: EndpointSliceWatcher | undefined;
  let hosts: string[];
  let errors: number;
  let log: ReturnType<typeof capturingLogger>;

  const start = (namespace = kube.namespace) => {
    watcher = createEndpointSliceWatcher({
      kubeConfig: fakeKubeConfig(kube),
      namespace,
      service: SERVICE,
      onEndpoints: (next) => (hosts = next),
      onError: () => errors++,
      logger: log.logger,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    return watcher;
  };
  const sees = (...expected: string[]) =>
    eventually(() => JSON.stringify([...hosts].sort()) === JSON.stringify(expected.sort()));

  beforeEach(async () => {
    kube = await startFakeKubernetes();
    hosts = [];
    errors = 0;
    log = capturingLogger();
  });
  afterEach(async () => {
    watcher?.stop();
    watcher = undefined;
    await kube.stop();
  });

  it('lists the ready endpoints of the Service, then follows slices added, changed and removed', async () => {
    kube.applyEndpointSlice(slice('gaia-chat-a', '10.0.0.1'));
    kube.applyEndpointSlice(endpointSlice('other-a', 'other', 8003, [{ address: '10.9.9.9' }]));
    start();
    expect(await sees('10.0.0.1:8003')).to.equal(true);
    expect(watcher!.synced).to.equal(true);

    kube.applyEndpointSlice(slice('gaia-chat-b', '10.0.0.2'));
    expect(await sees('10.0.0.1:8003', '10.0.0.2:8003')).to.equal(true);
    kube.applyEndpointSlice(slice('gaia-chat-a', '10.0.0.1', '10.0.0.3'));
    expect(await sees('10.0.0.1:8003', '10.0.0.2:8003', '10.0.0.3:8003')).to.equal(true);
    kube.deleteEndpointSlice('gaia-chat-a');
    expect(await sees('10.0.0.2:8003')).to.equal(true);
    expect(kube.calls.list).to.equal(1);
  });

  it('leaves out endpoints that are not ready or terminating, and slices without a port named http', () => {
    const mixed = endpointSlice('gaia-chat-a', SERVICE, 8003, [
      { address: '10.0.0.1' },
      { address: '10.0.0.2', ready: false },
      { address: '10.0.0.3', ready: false, terminating: true },
    ]);
    expect(readyHosts(mixed as never)).to.deep.equal(['10.0.0.1:8003']);
    const unnamed = { ...mixed, ports: [{ name: 'metrics', port: 9090 }] };
    expect(readyHosts(unnamed as never)).to.deep.equal([]);
    const ipv6 = { ...mixed, addressType: 'IPv6', endpoints: [{ addresses: ['fd00::7'], conditions: {} }] };
    expect(readyHosts(ipv6)).to.deep.equal(['[fd00::7]:8003']);
  });

  it('resumes a dropped watch from the last resourceVersion, without listing again, and gets what it missed', async () => {
    kube.applyEndpointSlice(slice('gaia-chat-a', '10.0.0.1'));
    start();
    expect(await eventually(() => kube.openWatches() === 1)).to.equal(true);
    kube.applyEndpointSlice(slice('gaia-chat-b', '10.0.0.2'));
    expect(await sees('10.0.0.1:8003', '10.0.0.2:8003')).to.equal(true);
    // The fake counts resourceVersions up by one per change: the list's, then the event's.
    const lastSeen = String(Number(kube.watchedFrom[0]) + 1);

    kube.dropWatches();
    kube.applyEndpointSlice(slice('gaia-chat-c', '10.0.0.3'));
    expect(await sees('10.0.0.1:8003', '10.0.0.2:8003', '10.0.0.3:8003')).to.equal(true);
    expect(kube.watchedFrom[1]).to.equal(lastSeen);
    expect(kube.calls.list).to.equal(1);

    kube.applyEndpointSlice(slice('gaia-chat-b', '10.0.0.4'));
    expect(await sees('10.0.0.1:8003', '10.0.0.3:8003', '10.0.0.4:8003')).to.equal(true);
  });

  for (const how of ['status', 'event'] as const) {
    it(`lists again when a watch is answered 410 Gone (${how === 'status' ? 'HTTP status' : 'ERROR event'}), then keeps watching`, async () => {
      kube.applyEndpointSlice(slice('gaia-chat-a', '10.0.0.1'));
      start();
      expect(await eventually(() => kube.openWatches() === 1)).to.equal(true);

      kube.expireNextWatch(how);
      kube.dropWatches();
      kube.applyEndpointSlice(slice('gaia-chat-a', '10.0.0.5'));
      expect(await sees('10.0.0.5:8003')).to.equal(true);
      expect(await eventually(() => kube.calls.list === 2 && kube.openWatches() === 1)).to.equal(true);

      kube.applyEndpointSlice(slice('gaia-chat-b', '10.0.0.6'));
      expect(await sees('10.0.0.5:8003', '10.0.0.6:8003')).to.equal(true);
      const warned = log.lines().map((line) => String(line.error));
      expect(
        warned.filter((error) => /410|too old/.test(error)),
        'a 410 is routine',
      ).to.deep.equal([]);
    });
  }

  it('retries a failing API server with backoff, logging at warn, and recovers', async () => {
    kube.applyEndpointSlice(slice('gaia-chat-a', '10.0.0.1'));
    kube.failNextRequests(3, 500);
    start();
    expect(watcher!.synced).to.equal(false);
    expect(await sees('10.0.0.1:8003')).to.equal(true);
    expect(kube.calls.list).to.equal(4);
    expect(errors).to.equal(3);
    const warnings = log.lines().filter((line) => line.level === 'warn');
    expect(warnings).to.have.length(3);
    expect(warnings[0]).to.include({
      message: 'EndpointSlice watch failed; retrying',
      kubernetes_service: SERVICE,
    });
    expect(warnings.map((line) => line.retry_in_ms)).to.deep.equal([20, 40, 80]);
  });

  it('keeps retrying, never throwing, where it may not read (another namespace: 403)', async () => {
    start('kube-system');
    expect(await eventually(() => errors >= 2)).to.equal(true);
    expect(watcher!.synced).to.equal(false);
    expect(hosts).to.deep.equal([]);
    expect(String(log.lines()[0]?.error)).to.match(/403/);
  });

  it('stops watching when stopped', async () => {
    start();
    expect(await eventually(() => kube.openWatches() === 1)).to.equal(true);
    watcher!.stop();
    expect(await eventually(() => kube.openWatches() === 0)).to.equal(true);
    kube.applyEndpointSlice(slice('gaia-chat-a', '10.0.0.1'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hosts).to.deep.equal([]);
    expect(kube.calls.watch).to.equal(1);
    expect(log.lines(), 'stopping is no failure').to.deep.equal([]);
  });
});
