import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { IDENTITY_HEADER } from '@gaia/contracts';
import { createIdentitySigner, freePort, verifyIdentity } from '@gaia/platform';
import { expect } from 'chai';
import {
  INTERNAL_SECRET,
  startEchoUpstream,
  startTestGateway,
  userJwt,
  type EchoUpstream,
  type TestGateway,
  json,
  eventually,
} from './support.js';

/** A GET with headers fetch() refuses to send (connection, keep-alive, ...). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

const auth = { authorization: `Bearer ${userJwt({ sub: 'user-42' })}` };

describe('gateway proxy', () => {
  let upstream: EchoUpstream;
  let gateway: TestGateway;

  before(async () => {
    upstream = await startEchoUpstream();
    gateway = await startTestGateway({
      CHAT_SERVICE_URL: upstream.url,
      AUTH_SERVICE_URL: upstream.url,
      BODY_LIMIT_BYTES: String(16 * 1024 * 1024),
    });
  });
  after(async () => {
    await gateway.stop();
    await upstream.stop();
  });

  it('forwards to the same path and query', async () => {
    const response = await fetch(`${gateway.url}/api/v0.2/providers/openai/models?limit=5&q=a%20b`, {
      headers: auth,
    });
    expect(response.status).to.equal(200);
    expect((await json(response)).url).to.equal('/api/v0.2/providers/openai/models?limit=5&q=a%20b');
  });

  it('answers list routes with and without a trailing slash, without redirecting', async () => {
    for (const path of ['/api/v0.2/personas', '/api/v0.2/personas/']) {
      const response = await fetch(`${gateway.url}${path}`, { headers: auth, redirect: 'manual' });
      expect(response.status, path).to.equal(200);
      expect((await json(response)).url).to.equal(path);
    }
  });

  it('replaces a client-sent identity header with a signed one naming the caller', async () => {
    const forged = createIdentitySigner('someone-elses-secret-that-is-long-enough').sign({
      auth_type: 'jwt',
      user_id: 'admin',
    });
    const response = await fetch(`${gateway.url}/api/v0.2/chat/status`, {
      headers: { ...auth, [IDENTITY_HEADER]: forged },
    });
    const { headers } = await json(response);
    expect(verifyIdentity(INTERNAL_SECRET, headers[IDENTITY_HEADER])).to.deep.equal({
      auth_type: 'jwt',
      user_id: 'user-42',
    });
  });

  it('marks callers of public routes as anonymous', async () => {
    const forged = createIdentitySigner(INTERNAL_SECRET).sign({ auth_type: 'service', service: 'chat' });
    const response = await fetch(`${gateway.url}/api/v1/auth/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: forged },
      body: '{}',
    });
    const { headers } = await json(response);
    expect(verifyIdentity(INTERNAL_SECRET, headers[IDENTITY_HEADER])).to.deep.equal({
      auth_type: 'anonymous',
    });
  });

  it('keeps the request id and adds X-Forwarded-* headers', async () => {
    const response = await fetch(`${gateway.url}/api/v0.2/models`, {
      headers: { ...auth, 'x-request-id': 'req-123', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(response.headers.get('x-request-id')).to.equal('req-123');
    const { headers } = await json(response);
    expect(headers['x-request-id']).to.equal('req-123');
    expect(headers['x-forwarded-for']).to.equal('203.0.113.9, 127.0.0.1');
    expect(headers['x-forwarded-proto']).to.equal('http');
    expect(headers['x-forwarded-host']).to.equal(new URL(gateway.url).host);
  });

  it("does not pass the client's connection headers to the service, nor the service's to the client", async () => {
    const { status, headers, body } = await rawGet(`${gateway.url}/api/v0.2/models`, {
      ...auth,
      connection: 'close',
      'keep-alive': 'timeout=1',
      te: 'trailers',
      'proxy-authorization': 'Basic eDp5',
    });
    expect(status).to.equal(200);
    const forwarded = (JSON.parse(body) as { headers: Record<string, string> }).headers;
    expect(forwarded).not.to.have.any.keys('connection', 'keep-alive', 'te', 'proxy-authorization');
    expect(headers.connection).to.equal('close');
    expect(headers).not.to.have.property('keep-alive');
  });

  it('streams a POST body through unchanged', async () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'héllo ✓' }], stream: false });
    const response = await fetch(`${gateway.url}/api/v0.2/chat`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
    const echoed = await json(response);
    expect(echoed.method).to.equal('POST');
    expect(echoed.bodySha256).to.equal(createHash('sha256').update(body).digest('hex'));
    expect(echoed.headers['content-length']).to.equal(String(Buffer.byteLength(body)));
  });

  it('streams a large body through unchanged', async () => {
    const body = randomBytes(12 * 1024 * 1024);
    const response = await fetch(`${gateway.url}/api/v0.2/usage/log`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body,
    });
    const echoed = await json(response);
    expect(echoed.bodyLength).to.equal(body.length);
    expect(echoed.bodySha256).to.equal(createHash('sha256').update(body).digest('hex'));
  });

  it('hands the first part of a body to the service before the client has sent the rest', async () => {
    let sendRest: () => void = () => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"part":1,'));
        sendRest = () => {
          controller.enqueue(new TextEncoder().encode('"more":2}'));
          controller.close();
        };
      },
    });
    const responded = fetch(`${gateway.url}/api/v0.2/chat`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'x-test-mode': 'first-chunk' },
      body,
      duplex: 'half',
    });
    expect(await upstream.firstChunk).to.be.greaterThan(0);
    sendRest();
    const echoed = await json(await responded);
    expect(echoed.bodySha256).to.equal(createHash('sha256').update('{"part":1,"more":2}').digest('hex'));
  });

  it('passes downstream errors through with their own status and body', async () => {
    for (const status of [400, 404, 409, 422, 500]) {
      const response = await fetch(`${gateway.url}/api/v0.2/personas/p1`, {
        headers: { ...auth, 'x-test-mode': 'status', 'x-test-status': String(status) },
      });
      expect(response.status).to.equal(status);
      expect(await json(response)).to.deep.equal({ detail: `upstream said ${status}` });
    }
  });

  it('relays server-sent events one by one, before the service has finished', async () => {
    const response = await fetch(`${gateway.url}/api/v0.2/chat/stream`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'x-test-mode': 'sse' },
      body: '{"message":"hi"}',
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/event-stream');
    expect(response.headers.get('x-accel-buffering')).to.equal('no');
    expect(response.headers.get('content-encoding')).to.equal(null);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('\n\n')) received += decoder.decode((await reader.read()).value);
    expect(received).to.equal('data: {"type":"start"}\n\n');
    expect(upstream.sseFinished()).to.equal(false);
    upstream.release();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      received += decoder.decode(chunk.value);
    expect(received).to.equal(
      'data: {"type":"start"}\n\ndata: {"type":"content","content":"hi"}\n\ndata: [DONE]\n\n',
    );
  });

  it('keeps every connection a burst of requests opened for the next burst', async () => {
    // Beyond Node's default of 256 idle sockets kept per service, a second burst would reconnect.
    const unlimited = await startTestGateway({ CHAT_SERVICE_URL: upstream.url, RATE_LIMIT_PER_MINUTE: '0' });
    const burst = async (size: number) => {
      const before = upstream.requests.length;
      const responses = Array.from({ length: size }, () =>
        fetch(`${unlimited.url}/api/v0.2/chat`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json', 'x-test-mode': 'held' },
          body: '{}',
        }),
      );
      expect(await eventually(() => upstream.requests.length - before === size, 10_000)).to.equal(true);
      upstream.releaseHeld();
      for (const response of await Promise.all(responses)) {
        expect(response.status).to.equal(200);
        await response.arrayBuffer();
      }
    };
    try {
      await burst(300);
      expect(upstream.heldConnections()).to.equal(300);
      await burst(300);
      expect(upstream.heldConnections()).to.equal(300);
    } finally {
      await unlimited.stop();
    }
  });

  it('aborts the request to the service when the client disconnects', async () => {
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}/api/v0.2/chat/stream`, {
      method: 'POST',
      headers: { ...auth, 'x-test-mode': 'hang' },
      body: '{}',
      signal: controller.signal,
    }).catch((error: unknown) => error);
    expect(
      await eventually(() => upstream.requests.some((r) => r.headers['x-test-mode'] === 'hang')),
    ).to.equal(true);
    controller.abort();
    expect(await pending).to.be.instanceOf(Error);
    expect(await upstream.aborted).to.equal('/api/v0.2/chat/stream');
  });

  it('rejects a body larger than the limit by its Content-Length before proxying', async () => {
    upstream.requests.length = 0;
    const response = await fetch(`${gateway.url}/api/v0.2/chat`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: Buffer.alloc(16 * 1024 * 1024 + 1, 0x20),
    });
    expect(response.status).to.equal(413);
    expect((await json(response)).detail).to.equal(
      `Request body is larger than the limit of ${16 * 1024 * 1024} bytes`,
    );
    expect(upstream.requests).to.have.length(0);
  });
});

describe('gateway proxy when a service is missing', () => {
  let gateway: TestGateway;
  let hanging: EchoUpstream;

  before(async () => {
    hanging = await startEchoUpstream();
    gateway = await startTestGateway({
      CHAT_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
      AUTH_SERVICE_URL: hanging.url,
      UPSTREAM_TIMEOUT_MS: '200',
    });
  });
  after(async () => {
    await gateway.stop();
    await hanging.stop();
  });

  it('answers 503 when the service refuses the connection', async () => {
    const response = await fetch(`${gateway.url}/api/v0.2/models`, { headers: auth });
    expect(response.status).to.equal(503);
    expect(await json(response)).to.deep.equal({ detail: 'Service chat unavailable' });
  });

  it('answers 503 when the service is not deployed', async () => {
    const response = await fetch(`${gateway.url}/api/v1/assets`, { headers: auth });
    expect(response.status).to.equal(503);
    expect(await json(response)).to.deep.equal({ detail: 'Service asset unavailable' });
    const open = await fetch(`${gateway.url}/api/v1/assets/test`);
    expect(open.status).to.equal(503);
  });

  it('answers 503 when the service sends nothing within the upstream timeout', async () => {
    const response = await fetch(`${gateway.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-mode': 'hang' },
      body: '{"email":"a@b.co","password":"secret1"}',
    });
    expect(response.status).to.equal(503);
    expect(await json(response)).to.deep.equal({ detail: 'Service auth unavailable' });
  });

  it('answers SDK routes in the SDK error shape', async () => {
    const openai = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(openai.status).to.equal(503);
    expect(await json(openai)).to.deep.equal({
      error: { message: 'Service chat unavailable', type: 'api_error', code: null },
    });
    const anthropic = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(await json(anthropic)).to.deep.equal({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Service chat unavailable' },
    });
  });

  it('counts upstream errors by service and reason', async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).to.match(
      /gaia_gateway_upstream_errors_total\{service="chat",reason="refused"[^}]*\} [1-9]/,
    );
    expect(metrics).to.match(
      /gaia_gateway_upstream_errors_total\{service="asset",reason="not_deployed"[^}]*\} [1-9]/,
    );
    expect(metrics).to.match(
      /gaia_gateway_upstream_errors_total\{service="auth",reason="timeout"[^}]*\} [1-9]/,
    );
  });
});
