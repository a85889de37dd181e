import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '@gaia/platform';
import type { FakeKubernetes } from '@gaia/testkit';
import { KubeConfig } from '@kubernetes/client-node';
import { startTestGateway, type TestGateway } from './support.js';

/** A kube config that reaches the fake API server with its token. */
export function fakeKubeConfig(kube: FakeKubernetes): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: kube.url, skipTLSVerify: true }],
    users: [{ name: 'gateway', token: kube.token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'gateway', namespace: kube.namespace }],
    currentContext: 'fake',
  });
  return kubeConfig;
}

/** A logger whose lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return {
    logger: createLogger({ service: 'test', level: 'warn', format: 'json', stream }),
    lines: () => lines,
  };
}

/** A gateway in kubernetes discovery, reading the fake API server. */
export function startDiscoveryGateway(
  kube: FakeKubernetes,
  env: Record<string, string | undefined>,
): Promise<TestGateway> {
  return startTestGateway(
    { SERVICE_DISCOVERY: 'kubernetes', POD_NAMESPACE: kube.namespace, ...env },
    undefined,
    { kubeConfig: fakeKubeConfig(kube) },
  );
}

/**
 * A pod of a service: a server on its own loopback address, so pods share a port as in a cluster.
 * It answers `{"pod": address}` at once, or holds the response while the request says `x-test-hold`.
 */
export interface TestPod {
  readonly address: string;
  /** Requests that reached this pod. */
  readonly served: number;
  /** Held requests whose connection is still open. */
  readonly holding: number;
  /** Held requests the gateway abandoned before they were answered. */
  readonly abandoned: number;
  /** Answers every held request. */
  releaseHeld(): void;
  stop(): Promise<void>;
}

export async function startPod(address: string, port: number): Promise<TestPod> {
  let served = 0;
  let abandoned = 0;
  const held = new Set<ServerResponse>();
  const body = JSON.stringify({ pod: address });
  const answer = (res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  const server = createServer((req, res) => {
    served++;
    req.resume();
    if (!req.headers['x-test-hold']) {
      answer(res);
      return;
    }
    held.add(res);
    res.once('close', () => {
      if (held.delete(res)) abandoned++;
    });
  });
  server.listen(port, address);
  await once(server, 'listening');
  return {
    address,
    get served() {
      return served;
    },
    get holding() {
      return held.size;
    },
    get abandoned() {
      return abandoned;
    },
    releaseHeld: () => {
      for (const res of held) {
        held.delete(res);
        answer(res);
      }
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
