import { routes } from '@gaia/contracts';
import { freePort } from '@gaia/platform';
import { expect } from 'chai';
import { startEchoUpstream, startTestGateway, type EchoUpstream, type TestGateway, json } from './support.js';

describe("gateway's own routes", () => {
  let upstream: EchoUpstream;
  let gateway: TestGateway;
  let stoppedUrl: string;

  before(async () => {
    upstream = await startEchoUpstream();
    stoppedUrl = `http://127.0.0.1:${await freePort()}`;
    gateway = await startTestGateway({ CHAT_SERVICE_URL: upstream.url, AUTH_SERVICE_URL: stoppedUrl });
  });
  after(async () => {
    await gateway.stop();
    await upstream.stop();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${gateway.url}${path}`, init);
  const add = (body: string, contentType = 'application/json') =>
    fetch(`${gateway.url}/calculator/add`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  it('names the Gaia Platform Gateway and its API versions at /', async () => {
    const response = await get('/');
    expect(response.status).to.equal(200);
    expect(await json(response)).to.deep.equal({
      message: 'Gaia Platform Gateway',
      versions: {
        'v0.2': '/api/v0.2 (recommended - unified streaming API)',
        v1: '/api/v1 (original endpoints)',
        legacy: '/ (will be deprecated)',
      },
      note: 'Use v0.2 for the latest OpenAI/Anthropic compatible streaming API.',
    });
  });

  describe('POST /calculator/add', () => {
    it('adds numbers, concatenates strings and defaults missing operands to 0', async () => {
      expect(await json(await add('{"a":2,"b":3.5}'))).to.deep.equal({ result: 5.5 });
      expect(await json(await add('{"a":"ab","b":"cd"}'))).to.deep.equal({ result: 'abcd' });
      expect(await json(await add('{"a":4}'))).to.deep.equal({ result: 4 });
      expect(await json(await fetch(`${gateway.url}/calculator/add`, { method: 'POST' }))).to.deep.equal({
        result: 0,
      });
    });

    it('answers 422 with the field for a number plus a string, or other types', async () => {
      for (const body of ['{"a":1,"b":"x"}', '{"a":null,"b":1}', '{"a":[1],"b":1}']) {
        const response = await add(body);
        expect(response.status, body).to.equal(422);
        const { detail } = await json(response);
        expect(detail, body).to.be.an('array').that.is.not.empty;
        expect(detail[0].loc[0]).to.equal('body');
      }
    });

    it('answers 400 with a detail for malformed JSON', async () => {
      const response = await add('{"a": 1,');
      expect(response.status).to.equal(400);
      expect((await json(response)).detail).to.match(/^Invalid JSON body/);
    });
  });

  describe('health', () => {
    it('reports a live service healthy, a stopped one unhealthy, a missing one not deployed, and itself degraded', async () => {
      const response = await get('/health');
      expect(response.status).to.equal(200);
      const body = await json(response);
      expect(body).to.include({ status: 'degraded', version: '0.2' });
      expect(new Date(body.timestamp).toString()).not.to.equal('Invalid Date');
      expect(body.services.chat).to.include({ status: 'healthy', url: upstream.url });
      expect(body.services.chat.response_time_ms).to.be.a('number');
      expect(body.services.auth).to.include({ status: 'unhealthy', url: stoppedUrl });
      expect(body.services.asset).to.deep.equal({ status: 'not_deployed', response_time_ms: null });
    });

    it('is healthy when every deployed service is', async () => {
      const healthy = await startTestGateway({ CHAT_SERVICE_URL: upstream.url });
      try {
        expect((await json(await fetch(`${healthy.url}/health`))).status).to.equal('healthy');
      } finally {
        await healthy.stop();
      }
    });

    it('answers the v0.2 information and health itself', async () => {
      for (const path of ['/api/v0.2', '/api/v0.2/']) {
        const info = await json(await get(path));
        expect(info).to.include({
          version: '0.2',
          status: 'stable',
          description: 'Unified LLM API with streaming support',
        });
        expect(info.features).to.have.length(4);
        expect(info.endpoints).to.include({
          chat_stream: '/api/v0.2/chat/stream',
          personas: '/api/v0.2/personas',
        });
      }
      expect(await json(await get('/api/v0.2/health'))).to.deep.equal({ status: 'healthy', version: '0.2' });
    });

    it('is ready when the bus answers', async () => {
      const response = await get('/ready');
      expect(response.status).to.equal(200);
      expect((await json(response)).checks).to.deep.equal({ bus: 'ok' });
    });
  });

  describe('unknown paths and methods', () => {
    it('answers 404 for an unknown path', async () => {
      const response = await get('/api/v0.2/nothing-here');
      expect(response.status).to.equal(404);
      expect(await json(response)).to.deep.equal({ detail: 'Not Found' });
    });

    it('answers 400, not 500, for a path parameter that is not valid percent-encoding', async () => {
      const response = await get('/api/v0.2/personas/%E0%A4%A');
      expect(response.status).to.equal(400);
      expect((await json(response)).detail).to.match(/decode param/);
    });

    it('answers 405 with Allow for a known path called with the wrong method, before authenticating', async () => {
      const wrong = await get('/api/v0.2/chat', { method: 'GET' });
      expect(wrong.status).to.equal(405);
      expect(wrong.headers.get('allow')).to.equal('POST');
      expect(await json(wrong)).to.deep.equal({ detail: 'Method Not Allowed' });
      const own = await get('/health', { method: 'POST' });
      expect(own.status).to.equal(405);
      expect(own.headers.get('allow')).to.equal('GET, HEAD');
    });
  });

  describe('CORS', () => {
    it('answers a preflight from an allowed origin, with credentials', async () => {
      const response = await get('/api/v0.2/chat', {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-api-key',
        },
      });
      expect(response.status).to.equal(204);
      expect(response.headers.get('access-control-allow-origin')).to.equal('http://localhost:3000');
      expect(response.headers.get('access-control-allow-credentials')).to.equal('true');
      expect(response.headers.get('access-control-allow-methods')).to.include('POST');
      expect(response.headers.get('access-control-allow-headers')).to.equal('content-type,x-api-key');
    });

    it('does not allow other origins, and applies to /health too', async () => {
      const other = await get('/', { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
      const health = await get('/health', { headers: { origin: 'http://localhost:8080' } });
      expect(health.headers.get('access-control-allow-origin')).to.equal('http://localhost:8080');
    });
  });

  describe('documentation', () => {
    it('lists every contract route in /openapi.json, with security and body schemas', async () => {
      const document = await json(await get('/openapi.json'));
      expect(document.openapi).to.equal('3.1.0');
      const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`),
      );
      const expected = routes.map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(operations).to.have.members(expected);
      const login = document.paths['/api/v1/auth/login'].post;
      expect(login.security).to.equal(undefined);
      expect(login.requestBody.content['application/json'].schema.required).to.have.members([
        'email',
        'password',
      ]);
      const persona = document.paths['/api/v0.2/personas/{persona_id}'].get;
      expect(persona.security).to.deep.equal([{ ApiKeyHeader: [] }, { BearerJWT: [] }]);
      expect(persona.parameters[0]).to.include({ name: 'persona_id', in: 'path', required: true });
      expect(persona.tags).to.deep.equal(['v0.2 personas']);
      const ids = Object.values(
        document.paths as Record<string, Record<string, { operationId: string }>>,
      ).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
      expect(new Set(ids).size).to.equal(ids.length);
    });

    it('serves the interactive docs with their assets, offline', async () => {
      const page = await get('/docs');
      expect(page.status).to.equal(200);
      expect(new URL(page.url).pathname, 'relative asset links need the trailing slash').to.equal('/docs/');
      expect(page.headers.get('content-type')).to.match(/text\/html/);
      const html = await page.text();
      expect(html).to.include('swagger-ui');
      const assets = [...html.matchAll(/(?:href|src)="\.\/([^"]+)"/g)].map((match) => match[1]!);
      expect(assets).to.include('swagger-ui-init.js');
      for (const asset of assets) expect((await get(`/docs/${asset}`)).status, asset).to.equal(200);
      const init = await (await get('/docs/swagger-ui-init.js')).text();
      expect(init).to.include('Gaia Platform Gateway');
    });
  });
});
