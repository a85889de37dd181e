import { setTimeout as sleep } from 'node:timers/promises';
import { DiscoveryV1Api, Watch, type KubeConfig, type V1EndpointSlice } from '@kubernetes/client-node';
import type { Logger } from '@gaia/platform';
import { describeKubernetesError } from './kubernetes-error.js';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface EndpointSliceWatcherOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The Kubernetes Service whose EndpointSlices are followed. */
  service: string;
  /** Receives the ready endpoints (`host:port`, port named `http`) after the first list and every change. */
  onEndpoints: (hosts: string[]) => void;
  /** Called for each failed list or watch, before it is retried. */
  onError?: () => void;
  logger: Logger;
  backoff?: Backoff;
}

export interface EndpointSliceWatcher {
  /** Whether the EndpointSlices have been listed at least once. */
  readonly synced: boolean;
  stop(): void;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/** A watch ended with an ERROR event, whose object is a Status. */
class WatchStatusError extends Error {
  constructor(
    readonly statusCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const isGone = (error: unknown) =>
  (error as { statusCode?: unknown }).statusCode === 410 || (error as { code?: unknown }).code === 410;
// The client aborts a watch that sent nothing for 30 s; resuming right away is the normal cycle.
const isQuietTimeout = (error: unknown) => (error as { name?: unknown }).name === 'TimeoutError';

/**
 * The ready endpoints of one slice: the first address of each endpoint that is ready (an unset
 * `ready` counts as ready, as the API documents) and not terminating, with the port named `http`.
 */
export function readyHosts(slice: V1EndpointSlice): string[] {
  const port = slice.ports?.find((candidate) => candidate.name === 'http')?.port;
  if (port === undefined) return [];
  const hosts: string[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    const { ready, terminating } = endpoint.conditions ?? {};
    const address = endpoint.addresses[0];
    if (ready === false || terminating === true || address === undefined) continue;
    hosts.push(slice.addressType === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`);
  }
  return hosts;
}

/**
 * Lists the EndpointSlices of a Service, then watches them from the list's resourceVersion. A watch
 * that ends resumes from the last resourceVersion seen; 410 Gone re-lists; any other failure is logged
 * at warn and retried with doubling backoff (reset by progress). It never throws; `stop()` ends it.
 * @example const watcher = createEndpointSliceWatcher({ kubeConfig, namespace: 'gaia', service: 'gaia-chat', onEndpoints: (hosts) => pool.update(hosts), logger });
 */
export function createEndpointSliceWatcher(options: EndpointSliceWatcherOptions): EndpointSliceWatcher {
  const { kubeConfig, namespace, service, onEndpoints, onError, logger, backoff = DEFAULT_BACKOFF } = options;
  const api = kubeConfig.makeApiClient(DiscoveryV1Api);
  const watch = new Watch(kubeConfig);
  const path = `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;
  const labelSelector = `kubernetes.io/service-name=${service}`;
  const slices = new Map<string, string[]>();
  const stopping = new AbortController();
  let resourceVersion: string | undefined;
  let synced = false;
  let delayMs = backoff.initialMs;
  let current: AbortController | undefined;

  const publish = () => onEndpoints([...new Set([...slices.values()].flat())]);

  const relist = async () => {
    const list = await api.listNamespacedEndpointSlice({ namespace, labelSelector });
    slices.clear();
    for (const slice of list.items) slices.set(slice.metadata?.name ?? '', readyHosts(slice));
    resourceVersion = list.metadata?.resourceVersion;
    synced = true;
    delayMs = backoff.initialMs;
    publish();
  };

  /** Resolves when the server ends the watch (true if it sent events); rejects when it fails or sends an ERROR event. */
  const watchFromLastVersion = () =>
    new Promise<boolean>((resolve, reject) => {
      let failure: WatchStatusError | undefined;
      let progressed = false;
      const onEvent = (type: string, object: V1EndpointSlice & { code?: number; message?: string }) => {
        if (type === 'ERROR') {
          failure = new WatchStatusError(object.code, object.message ?? 'watch error');
          current?.abort();
          return;
        }
        const name = object.metadata?.name ?? '';
        if (type === 'ADDED' || type === 'MODIFIED') slices.set(name, readyHosts(object));
        else if (type === 'DELETED') slices.delete(name);
        resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
        progressed = true;
        delayMs = backoff.initialMs;
        if (type !== 'BOOKMARK') publish();
      };
      const onDone = (error: Error | null) => {
        const reason = failure ?? error;
        if (reason) reject(reason);
        else resolve(progressed);
      };
      watch
        .watch(path, { labelSelector, resourceVersion, allowWatchBookmarks: true }, onEvent, onDone)
        .then((controller: AbortController) => {
          current = controller;
          if (failure || stopping.signal.aborted) controller.abort();
        }, reject);
    });

  const run = async () => {
    while (!stopping.signal.aborted) {
      try {
        if (resourceVersion === undefined) await relist();
        // A watch that ends after sending events resumes at once; one ended empty waits, so a server
        // that keeps closing watches cannot spin this loop.
        if (await watchFromLastVersion()) continue;
      } catch (error) {
        if (stopping.signal.aborted) return;
        if (isGone(error)) {
          resourceVersion = undefined;
          continue;
        }
        if (isQuietTimeout(error)) continue;
        onError?.();
        logger.warn('EndpointSlice watch failed; retrying', {
          kubernetes_service: service,
          error: describeKubernetesError(error),
          retry_in_ms: delayMs,
        });
      }
      await sleep(delayMs, undefined, { signal: stopping.signal, ref: false }).catch(() => undefined);
      delayMs = Math.min(delayMs * 2, backoff.maxMs);
    }
  };
  void run();

  return {
    get synced() {
      return synced;
    },
    stop: () => {
      stopping.abort();
      current?.abort();
    },
  };
}
