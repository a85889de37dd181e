import { once } from 'node:events';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The parts of a Kubernetes object the fake reads; everything else is passed through as given. */
export interface KubernetesObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** One pod of an EndpointSlice fixture. */
export interface EndpointFixture {
  address: string;
  ready?: boolean;
  terminating?: boolean;
}

/**
 * An EndpointSlice (discovery.k8s.io/v1) of `service` with a port named `http`, as the EndpointSlice
 * controller writes it.
 * @example fake.applyEndpointSlice(endpointSlice('gaia-chat-abc', 'gaia-chat', 8003, [{ address: '10.0.0.7' }]));
 */
export function endpointSlice(
  name: string,
  service: string,
  port: number,
  endpoints: EndpointFixture[],
): KubernetesObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: endpoints.map(({ address, ready = true, terminating = false }) => ({
      addresses: [address],
      conditions: { ready, serving: ready || terminating, terminating },
    })),
  };
}

export interface FakeKubernetesCalls {
  list: number;
  watch: number;
  hpa: number;
}

/**
 * A Kubernetes API server for the paths the gateway uses, in one namespace, behind one bearer token:
 * EndpointSlice list and watch (with resourceVersion, label selector and event history) and
 * autoscaling/v2 HorizontalPodAutoscaler get. Other namespaces answer 403, like RBAC limited to one.
 */
export interface FakeKubernetes {
  readonly url: string;
  readonly namespace: string;
  readonly token: string;
  /** List, watch and HPA requests served (failed ones included). */
  readonly calls: FakeKubernetesCalls;
  /** The resourceVersion each watch started from, in order ('' when it gave none). */
  readonly watchedFrom: string[];
  /** Creates or replaces an EndpointSlice by name and tells open watches (ADDED or MODIFIED). */
  applyEndpointSlice(slice: KubernetesObject): void;
  /** Deletes an EndpointSlice and tells open watches (DELETED). */
  deleteEndpointSlice(name: string): void;
  /** Sets the HPA answered for `name`; undefined deletes it (404). */
  setHorizontalPodAutoscaler(name: string, hpa: object | undefined): void;
  /** Watches streaming right now. */
  openWatches(): number;
  /** Destroys the sockets of every open watch, like a restarted API server or a lost connection. */
  dropWatches(): void;
  /** The next watch learns its resourceVersion is too old: HTTP 410, or an ERROR event with code 410 then end. */
  expireNextWatch(how: 'status' | 'event'): void;
  /** The next `count` list or watch requests fail with `status`. */
  failNextRequests(count: number, status?: number): void;
  stop(): Promise<void>;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubernetesObject;
  resourceVersion: number;
}

interface OpenWatch {
  res: ServerResponse;
  matches: (object: KubernetesObject) => boolean;
}

const SLICES = /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/([^/]+)\/endpointslices$/;
const HPA = /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers\/([^/]+)$/;

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res
    .writeHead(code, { 'content-type': 'application/json' })
    .end(JSON.stringify(statusObject(code, reason, message)));
}

function statusObject(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Equality-based selectors only (`a=b,c==d`), which is all the gateway sends. */
function selectorMatcher(selector: string | null): (object: KubernetesObject) => boolean {
  const terms = (selector ?? '')
    .split(',')
    .filter(Boolean)
    .map((term) => term.split(/==?/) as [string, string]);
  return (object) => terms.every(([key, value]) => object.metadata.labels?.[key] === value);
}

/**
 * Starts the fake on a free port.
 * @example const kube = await startFakeKubernetes(); kube.applyEndpointSlice(endpointSlice(...)); await kube.stop();
 */
export async function startFakeKubernetes({
  namespace = 'gaia',
  token = 'fake-service-account-token',
} = {}): Promise<FakeKubernetes> {
  const slices = new Map<string, KubernetesObject>();
  const hpas = new Map<string, object>();
  const history: WatchEvent[] = [];
  const watches = new Set<OpenWatch>();
  const calls: FakeKubernetesCalls = { list: 0, watch: 0, hpa: 0 };
  const watchedFrom: string[] = [];
  let resourceVersion = 1;
  let expiry: 'status' | 'event' | undefined;
  let failures = { count: 0, status: 500 };

  const send = (res: ServerResponse, event: WatchEvent) =>
    res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);

  const record = (type: WatchEvent['type'], object: KubernetesObject) => {
    const event = { type, object, resourceVersion };
    history.push(event);
    for (const watch of watches) if (watch.matches(object)) send(watch.res, event);
  };

  const serveSlices = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const watching = query.get('watch') === 'true';
    if (watching) calls.watch++;
    else calls.list++;
    if (failures.count > 0) {
      failures.count--;
      const reason = STATUS_CODES[failures.status]?.replace(/\W/g, '') ?? 'Failure';
      status(res, failures.status, reason, 'the fake was told to fail this request');
      return;
    }
    const matches = selectorMatcher(query.get('labelSelector'));
    if (!watching) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSliceList',
          metadata: { resourceVersion: String(resourceVersion) },
          items: [...slices.values()].filter(matches),
        }),
      );
      return;
    }
    const from = query.get('resourceVersion') ?? '';
    watchedFrom.push(from);
    const expired = expiry;
    expiry = undefined;
    if (expired === 'status') {
      status(res, 410, 'Expired', `too old resource version: ${from}`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (expired === 'event') {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: statusObject(410, 'Expired', `too old resource version: ${from}`) })}\n`,
      );
      return;
    }
    // Without a resourceVersion a watch starts with the current state, as ADDED events.
    const missed =
      from === ''
        ? [...slices.values()].map((object) => ({ type: 'ADDED' as const, object, resourceVersion }))
        : history.filter((event) => event.resourceVersion > Number(from));
    for (const event of missed) if (matches(event.object)) send(res, event);
    const watch = { res, matches };
    watches.add(watch);
    req.socket.once('close', () => watches.delete(watch));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.headers.authorization !== `Bearer ${token}`) {
      status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const slicePath = SLICES.exec(url.pathname);
    const hpaPath = HPA.exec(url.pathname);
    const asked = slicePath?.[1] ?? hpaPath?.[1];
    if (req.method !== 'GET' || asked === undefined) {
      status(res, 404, 'NotFound', 'the server could not find the requested resource');
    } else if (asked !== namespace) {
      status(res, 403, 'Forbidden', `forbidden: the service account may only read namespace "${namespace}"`);
    } else if (slicePath) {
      serveSlices(req, res, url.searchParams);
    } else {
      calls.hpa++;
      const hpa = hpas.get(hpaPath![2]!);
      if (hpa) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hpa));
      else status(res, 404, 'NotFound', `horizontalpodautoscalers.autoscaling "${hpaPath![2]}" not found`);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    namespace,
    token,
    calls,
    watchedFrom,
    applyEndpointSlice: (slice) => {
      const name = slice.metadata.name;
      const type = slices.has(name) ? 'MODIFIED' : 'ADDED';
      resourceVersion++;
      const stored = structuredClone(slice);
      stored.metadata = { ...stored.metadata, namespace, resourceVersion: String(resourceVersion) };
      slices.set(name, stored);
      record(type, stored);
    },
    deleteEndpointSlice: (name) => {
      const slice = slices.get(name);
      if (!slice) return;
      slices.delete(name);
      resourceVersion++;
      record('DELETED', {
        ...slice,
        metadata: { ...slice.metadata, resourceVersion: String(resourceVersion) },
      });
    },
    setHorizontalPodAutoscaler: (name, hpa) => {
      if (hpa) hpas.set(name, hpa);
      else hpas.delete(name);
    },
    openWatches: () => watches.size,
    dropWatches: () => {
      for (const watch of watches) watch.res.socket?.destroy();
      watches.clear();
    },
    expireNextWatch: (how) => {
      expiry = how;
    },
    failNextRequests: (count, code = 500) => {
      failures = { count, status: code };
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
