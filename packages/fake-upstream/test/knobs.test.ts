import { expect } from 'chai';
import { DEFAULT_KNOBS, startFakeUpstream, type RunningFakeUpstream } from '../src/index.js';
import { supabaseClient, uniqueEmail } from './supabase-client.js';

const password = 'correct-horse';

describe('fake-upstream knobs', () => {
  let fake: RunningFakeUpstream;
  let email: string;

  before(async () => {
    fake = await startFakeUpstream();
    email = uniqueEmail();
    const { error } = await supabaseClient(fake.url).auth.signUp({ email, password });
    expect(error).to.equal(null);
  });

  afterEach(() => {
    Object.assign(fake.state.knobs, DEFAULT_KNOBS);
  });

  after(() => fake.close());

  function userRequest(headers: Record<string, string> = {}) {
    return fetch(`${fake.url}/auth/v1/user`, { headers: { apikey: 'anon-key', ...headers } });
  }

  async function postKnobs(body: unknown) {
    return fetch(`${fake.url}/__control/knobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('turns a 500 fault into a retryable error in supabase-js, for one request via x-fake-fault', async () => {
    const faulty = await supabaseClient(fake.url, { 'x-fake-fault': '500' }).auth.signInWithPassword({
      email,
      password,
    });
    expect(faulty.error?.name).to.equal('AuthRetryableFetchError');
    expect(faulty.error?.status).to.equal(500);

    const healthy = await supabaseClient(fake.url).auth.signInWithPassword({ email, password });
    expect(healthy.error).to.equal(null);
  });

  it('answers the 429 fault with Retry-After, set server-wide via POST /__control/knobs', async () => {
    const update = await postKnobs({ fault: '429', retryAfterSeconds: 7 });
    expect(update.status).to.equal(200);
    expect(await update.json()).to.deep.equal({ ...DEFAULT_KNOBS, fault: '429', retryAfterSeconds: 7 });

    const response = await userRequest();
    expect(response.status).to.equal(429);
    expect(response.headers.get('retry-after')).to.equal('7');
    expect(await response.json()).to.deep.include({ code: 429, error_code: 'over_request_rate_limit' });

    const { error } = await supabaseClient(fake.url).auth.signInWithPassword({ email, password });
    expect(error?.name).to.equal('AuthApiError');
    expect(error).to.include({ status: 429, code: 'over_request_rate_limit' });

    expect((await postKnobs({ fault: 'none' })).status).to.equal(200);
    const { error: afterReset } = await supabaseClient(fake.url).auth.signInWithPassword({ email, password });
    expect(afterReset).to.equal(null);
  });

  it('lets a request header override the server-wide fault', async () => {
    fake.state.knobs.fault = '500';
    expect((await userRequest()).status).to.equal(500);
    expect((await userRequest({ 'x-fake-fault': 'none' })).status).to.equal(401);
  });

  it('delays responses by the latency from the header or the server knobs', async () => {
    const timed = async (headers?: Record<string, string>) => {
      const started = performance.now();
      await (await userRequest(headers)).arrayBuffer();
      return performance.now() - started;
    };
    expect(await timed()).to.be.below(250);
    expect(await timed({ 'x-fake-latency-ms': '300' })).to.be.at.least(295);
    fake.state.knobs.latencyMs = 200;
    expect(await timed()).to.be.at.least(195);
  });

  it('resets the connection without an answer, so fetch rejects', async () => {
    const countBefore = fake.state.requests.countsByRoute['GET /auth/v1/user'] ?? 0;
    const outcome = await userRequest({ 'x-fake-fault': 'reset' }).then(
      (response) => response.status,
      (error: unknown) => error,
    );
    expect(outcome).to.be.instanceOf(TypeError);
    expect((outcome as TypeError).message).to.equal('fetch failed');
    expect(fake.state.requests.countsByRoute['GET /auth/v1/user']).to.equal(countBefore + 1);

    const { error } = await supabaseClient(fake.url, { 'x-fake-fault': 'reset' }).auth.signInWithPassword({
      email,
      password,
    });
    expect(error?.name).to.equal('AuthRetryableFetchError');
    expect(error?.status).to.equal(0);
  });

  it('rejects invalid knobs with 400 and a message naming the problem', async () => {
    const badHeader = await userRequest({ 'x-fake-fault': 'sometimes' });
    expect(badHeader.status).to.equal(400);
    expect(((await badHeader.json()) as { message: string }).message).to.contain('fault must be one of');

    const badBody = await postKnobs({ latencyMs: -5 });
    expect(badBody.status).to.equal(400);
    expect(((await badBody.json()) as { message: string }).message).to.contain('latencyMs');

    const unknownKnob = await postKnobs({ latency: 5 });
    expect(unknownKnob.status).to.equal(400);
    expect(fake.state.knobs).to.deep.equal(DEFAULT_KNOBS);
  });

  it('accepts the stream knobs and a fault count via POST /__control/knobs, validated', async () => {
    const update = await postKnobs({ ttftMs: 250, tokens: 8, gapMs: 20, fault: '500', faultCount: 2 });
    expect(update.status).to.equal(200);
    expect(fake.state.knobs).to.deep.equal({
      ...DEFAULT_KNOBS,
      ttftMs: 250,
      tokens: 8,
      gapMs: 20,
      fault: '500',
      faultCount: 2,
    });
    expect((await postKnobs({ faultCount: null })).status).to.equal(200);
    expect(fake.state.knobs.faultCount).to.equal(null);

    const tooMany = await postKnobs({ tokens: 100_001 });
    expect(tooMany.status).to.equal(400);
    expect(((await tooMany.json()) as { message: string }).message).to.equal(
      'tokens must be an integer from 0 to 100000 (got 100001)',
    );
    expect((await postKnobs({ faultCount: 'twice' })).status).to.equal(400);
    expect((await postKnobs({ gapMs: 1.5 })).status).to.equal(400);
  });

  it('counts a server-wide fault down per faulted request; header faults and healthy requests do not count', async () => {
    Object.assign(fake.state.knobs, { fault: '500', faultCount: 2 });
    expect((await userRequest({ 'x-fake-fault': 'none' })).status).to.equal(401);
    expect((await userRequest({ 'x-fake-fault': '429' })).status).to.equal(429);
    expect(fake.state.knobs.faultCount).to.equal(2);

    expect((await userRequest()).status).to.equal(500);
    expect((await userRequest()).status).to.equal(500);
    expect(fake.state.knobs.faultCount).to.equal(0);
    expect((await userRequest()).status).to.equal(401);
    expect(fake.state.knobs.faultCount).to.equal(0);
  });

  it('leaves GoTrue alone under stream faults, without using up their count', async () => {
    Object.assign(fake.state.knobs, { fault: 'stall', faultCount: 1 });
    expect((await userRequest()).status).to.equal(401);
    expect((await userRequest({ 'x-fake-fault': 'reset-mid-stream' })).status).to.equal(401);
    expect(fake.state.knobs.faultCount).to.equal(1);
  });

  it('rejects invalid stream knob headers with 400', async () => {
    for (const [header, value] of [
      ['x-fake-ttft-ms', '-1'],
      ['x-fake-tokens', 'many'],
      ['x-fake-gap-ms', '1e3'],
    ] as const) {
      const response = await userRequest({ [header]: value });
      expect(response.status, header).to.equal(400);
    }
  });

  it('reports knobs, request counts and users on GET /__control/state', async () => {
    fake.state.knobs.latencyMs = 5;
    await userRequest({ 'x-test-marker': 'state' });
    const response = await fetch(`${fake.url}/__control/state`);
    const state = (await response.json()) as {
      knobs: unknown;
      requests: { countsByRoute: Record<string, number>; last: { headers: Record<string, string> } };
      upstreams: { gotrue: { users: { email: string }[]; sessionCount: number } };
    };
    expect(state.knobs).to.deep.equal({ ...DEFAULT_KNOBS, latencyMs: 5 });
    expect(state.requests.countsByRoute['POST /auth/v1/signup']).to.equal(1);
    expect(state.requests.last.headers['x-test-marker']).to.equal('state');
    expect(state.upstreams.gotrue.users.map((user) => user.email)).to.deep.equal([email]);
    expect(state.upstreams.gotrue.sessionCount).to.equal(fake.state.gotrue.sessions.size);
  });

  it('close() cuts keep-alive and in-flight connections at once', async () => {
    const other = await startFakeUpstream({ latencyMs: 10_000 });
    expect((await fetch(`${other.url}/__control/state`)).status).to.equal(200);
    const pending = fetch(`${other.url}/auth/v1/user`, { headers: { apikey: 'anon-key' } }).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = performance.now();
    await other.close();

    expect(performance.now() - started).to.be.below(1000);
    expect(await pending).to.equal('cut');
  });
});
