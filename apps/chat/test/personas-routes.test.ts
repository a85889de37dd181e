import { randomUUID } from 'node:crypto';
import {
  defaultPersonaResult,
  personaDeleted,
  personaList,
  personaResult,
  personaSelected,
  type Identity,
} from '@gaia/contracts';
import { createDatabase, type Database } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { createPersonaStore } from '../src/personas/persona-store.js';
import { personaRoutes } from '../src/routes/personas.js';
import { asUser, startRouteServer, type CallOptions, type RouteServer } from './support/route-server.js';

const V02 = '/api/v0.2/personas';
const V1 = '/api/v1/chat/personas';

describe('persona routes over HTTP', () => {
  let testDb: TestDatabase;
  let db: Database;
  let server: RouteServer;

  const asKey = (userId: string): Identity => ({
    auth_type: 'user_api_key',
    user_id: userId,
    key_id: randomUUID(),
    scopes: [],
  });
  const asService: Identity = { auth_type: 'service', service: 'web' };

  const call = (method: string, path: string, options?: CallOptions) => server.call(method, path, options);

  let counter = 0;
  const uniqueName = (prefix: string) => `${prefix}-${++counter}-${randomUUID().slice(0, 8)}`;
  const newPersona = (name = uniqueName('persona')) => ({
    name,
    description: `About ${name}`,
    system_prompt: `You are ${name}.`,
  });
  async function created(identity?: Identity) {
    const reply = await call('POST', V02, { json: newPersona(), ...(identity ? { identity } : {}) });
    expect(reply.status).to.equal(200);
    return reply.body.persona as { id: string; name: string };
  }

  before(async () => {
    testDb = await createTestDatabase();
    db = createDatabase({ url: testDb.url, poolSize: 4 });
    const personas = createPersonaStore(db.prisma);
    server = await startRouteServer((router) => personaRoutes(router, { personas }));
  });
  after(async () => {
    await server.stop(1000);
    await db.close();
    await testDb.drop();
  });

  it('refuses calls without the gateway identity with 401', async () => {
    const reply = await call('GET', V02, { identity: null });
    expect(reply.status).to.equal(401);
  });

  it('creates a persona with 200 and the persona, created by the calling user', async () => {
    const userId = `user-${randomUUID()}`;
    const input = { ...newPersona(), personality_traits: { witty: true }, capabilities: { jokes: 3 } };
    const reply = await call('POST', V02, { identity: asKey(userId), json: input });
    expect(reply.status).to.equal(200);
    const body = personaResult.strict().parse(reply.body);
    expect(body.message).to.equal('Persona created successfully');
    expect(body.persona).to.deep.include({
      name: input.name,
      description: input.description,
      system_prompt: input.system_prompt,
      personality_traits: { witty: true },
      capabilities: { jokes: 3 },
      is_active: true,
      created_by: userId,
    });
  });

  it('records created_by null when a service creates a persona', async () => {
    const reply = await call('POST', V02, { identity: asService, json: newPersona() });
    expect(reply.status).to.equal(200);
    expect(reply.body.persona.created_by).to.equal(null);
  });

  it('answers a duplicate name with 409 naming it', async () => {
    const input = newPersona();
    expect((await call('POST', V02, { json: input })).status).to.equal(200);
    const reply = await call('POST', V02, { json: input });
    expect(reply.status).to.equal(409);
    expect(reply.body).to.deep.equal({ detail: `Persona with name '${input.name}' already exists` });
  });

  it('answers an invalid body with 422 listing every bad field', async () => {
    const reply = await call('POST', V02, {
      json: { name: 'x'.repeat(101), personality_traits: 'nice' },
    });
    expect(reply.status).to.equal(422);
    const fields = (reply.body.detail as { loc: string[]; type: string }[]).map((f) => [
      f.loc.join('.'),
      f.type,
    ]);
    expect(fields).to.have.deep.members([
      ['body.name', 'too_big'],
      ['body.description', 'missing'],
      ['body.system_prompt', 'missing'],
      ['body.personality_traits', 'invalid_type'],
    ]);
    const empty = await call('POST', V02, { json: { ...newPersona(), name: '' } });
    expect(empty.status).to.equal(422);
    expect(empty.body.detail[0].loc).to.deep.equal(['body', 'name']);
  });

  it('answers malformed JSON with 400', async () => {
    const reply = await call('POST', V02, { raw: '{"name": ' });
    expect(reply.status).to.equal(400);
    expect(reply.body.detail).to.match(/^Invalid JSON body/);
  });

  it('lists active personas newest first, with and without a trailing slash', async () => {
    const first = await created();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await created();
    for (const path of [V02, `${V02}/`]) {
      const reply = await call('GET', path);
      expect(reply.status).to.equal(200);
      const body = personaList.strict().parse(reply.body);
      expect(body.total).to.equal(body.personas.length);
      expect(body.message).to.equal(`Found ${body.total} personas`);
      const ids = body.personas.map((p) => p.id);
      expect(ids.indexOf(second.id)).to.be.within(0, ids.indexOf(first.id));
    }
  });

  it('lists deleted personas too with active_only=false, and answers a bad flag with 422', async () => {
    const gone = await created();
    await call('DELETE', `${V02}/${gone.id}`);
    const active = await call('GET', V02);
    expect(active.body.personas.map((p: { id: string }) => p.id)).not.to.include(gone.id);
    const all = await call('GET', `${V02}?active_only=false`);
    expect(all.body.personas.map((p: { id: string }) => p.id)).to.include(gone.id);
    const bad = await call('GET', `${V02}?active_only=maybe`);
    expect(bad.status).to.equal(422);
    expect(bad.body.detail[0].loc).to.deep.equal(['query', 'active_only']);
  });

  it('serves the v1 list and create with the same bodies', async () => {
    const reply = await call('POST', V1, { json: newPersona() });
    expect(reply.status).to.equal(200);
    personaResult.strict().parse(reply.body);
    const list = await call('GET', V1);
    expect(list.status).to.equal(200);
    expect(
      personaList
        .strict()
        .parse(list.body)
        .personas.map((p) => p.id),
    ).to.include(reply.body.persona.id);
    expect((await call('POST', V1, { json: {} })).status).to.equal(422);
  });

  it('retrieves a persona by id, and answers unknown, deleted and malformed ids with 404 naming them', async () => {
    const persona = await created();
    const reply = await call('GET', `${V02}/${persona.id}`);
    expect(reply.status).to.equal(200);
    expect(personaResult.strict().parse(reply.body)).to.deep.include({
      message: 'Persona retrieved successfully',
    });
    expect(reply.body.persona.id).to.equal(persona.id);

    await call('DELETE', `${V02}/${persona.id}`);
    for (const id of [persona.id, randomUUID(), 'not-a-uuid']) {
      const missing = await call('GET', `${V02}/${id}`);
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.equal({ detail: `Persona not found: ${id}` });
    }
  });

  it('updates only the given fields', async () => {
    const persona = await created();
    const reply = await call('PUT', `${V02}/${persona.id}`, {
      json: { description: 'new words', capabilities: { singing: true }, name: null },
    });
    expect(reply.status).to.equal(200);
    expect(personaResult.strict().parse(reply.body).message).to.equal('Persona updated successfully');
    expect(reply.body.persona).to.deep.include({
      name: persona.name,
      description: 'new words',
      capabilities: { singing: true },
    });
    const unchanged = await call('PUT', `${V02}/${persona.id}`, { json: {} });
    expect(unchanged.status).to.equal(200);
    expect(unchanged.body.persona).to.deep.equal(reply.body.persona);
  });

  it('answers updates of unknown ids with 404, taken names with 409, bad fields with 422', async () => {
    const a = await created();
    const b = await created();
    const unknown = randomUUID();
    const missing = await call('PUT', `${V02}/${unknown}`, { json: { description: 'x' } });
    expect([missing.status, missing.body.detail]).to.deep.equal([404, `Persona not found: ${unknown}`]);
    const taken = await call('PUT', `${V02}/${a.id}`, { json: { name: b.name } });
    expect([taken.status, taken.body.detail]).to.deep.equal([
      409,
      `Persona with name '${b.name}' already exists`,
    ]);
    const bad = await call('PUT', `${V02}/${a.id}`, { json: { system_prompt: 42 } });
    expect(bad.status).to.equal(422);
    expect(bad.body.detail[0].loc).to.deep.equal(['body', 'system_prompt']);
    expect((await call('PUT', `${V02}/${a.id}`, { json: [] })).status).to.equal(422);
  });

  it('deletes softly and idempotently, answering unknown ids with 404', async () => {
    const persona = await created();
    const reply = await call('DELETE', `${V02}/${persona.id}`);
    expect(reply.status).to.equal(200);
    expect(personaDeleted.strict().parse(reply.body)).to.deep.equal({
      success: true,
      message: 'Persona deleted successfully',
      persona_id: persona.id,
    });
    expect((await call('DELETE', `${V02}/${persona.id}`)).status).to.equal(200);
    const unknown = randomUUID();
    const missing = await call('DELETE', `${V02}/${unknown}`);
    expect([missing.status, missing.body.detail]).to.deep.equal([404, `Persona not found: ${unknown}`]);
  });

  it('creates the default persona on initialize-default, and reports it exists afterwards', async () => {
    await db.prisma.persona.deleteMany({ where: { name: 'Mu' } });
    const first = await call('POST', `${V02}/initialize-default`);
    const second = await call('POST', `${V02}/initialize-default`);
    expect([first.status, second.status]).to.deep.equal([200, 200]);
    expect(defaultPersonaResult.strict().parse(first.body)).to.deep.include({
      message: 'Default persona created successfully',
      was_created: true,
    });
    expect(defaultPersonaResult.strict().parse(second.body)).to.deep.include({
      message: 'Default persona already exists',
      was_created: false,
    });
    expect(second.body.persona).to.deep.equal(first.body.persona);
    expect(first.body.persona).to.include({ name: 'Mu', created_by: 'system' });
  });

  it('gives a new user Mu as current persona, then the one they set', async () => {
    const identity = asUser();
    const before = await call('GET', `${V02}/current`, { identity });
    expect(before.status).to.equal(200);
    expect(personaResult.strict().parse(before.body).message).to.equal(
      'Current persona retrieved successfully',
    );
    expect(before.body.persona.name).to.equal('Mu');

    const pick = await created();
    const set = await call('POST', `${V02}/set`, { identity, json: { persona_id: pick.id } });
    expect(set.status).to.equal(200);
    expect(personaSelected.strict().parse(set.body)).to.deep.equal({
      success: true,
      message: `Active persona set to ${pick.name}`,
      persona_id: pick.id,
      persona_name: pick.name,
    });
    const after = await call('GET', `${V02}/current`, { identity });
    expect(after.body.persona.id).to.equal(pick.id);
    const otherUser = await call('GET', `${V02}/current`);
    expect(otherUser.body.persona.name).to.equal('Mu');
  });

  it('answers set with an unknown persona 404, without persona_id 422, without a user 400', async () => {
    const unknown = randomUUID();
    const missing = await call('POST', `${V02}/set`, { json: { persona_id: unknown } });
    expect([missing.status, missing.body.detail]).to.deep.equal([404, `Persona not found: ${unknown}`]);
    const invalid = await call('POST', `${V02}/set`, { json: {} });
    expect(invalid.status).to.equal(422);
    expect(invalid.body.detail[0]).to.include({ type: 'missing' });
    const pick = await created();
    const noUser = await call('POST', `${V02}/set`, { identity: asService, json: { persona_id: pick.id } });
    expect([noUser.status, noUser.body.detail]).to.deep.equal([400, 'User ID required']);
    const noUserCurrent = await call('GET', `${V02}/current`, { identity: { auth_type: 'anonymous' } });
    expect([noUserCurrent.status, noUserCurrent.body.detail]).to.deep.equal([400, 'User ID required']);
  });

  it('never answers odd input with a 500', async () => {
    const odd: [string, string, { json?: unknown; raw?: string }][] = [
      ['GET', `${V02}/%E0%A4`, {}],
      ['GET', `${V02}/${'9'.repeat(5000)}`, {}],
      ['PUT', `${V02}/${encodeURIComponent("'; SELECT 1; --")}`, { json: { name: 'x' } }],
      ['DELETE', `${V02}/00000000-0000-0000-0000-000000000000`, {}],
      ['POST', V02, { raw: '"just a string"' }],
      ['POST', V02, { raw: '[1, 2]' }],
      ['POST', V02, { json: { ...newPersona(), personality_traits: [1] } }],
      ['POST', `${V02}/set`, { json: { persona_id: 12 } }],
      ['POST', `${V02}/set`, { json: { persona_id: 'not-a-uuid' } }],
      ['GET', `${V02}?active_only=true&active_only=false`, {}],
      ['PATCH', `${V02}/x`, {}],
    ];
    for (const [method, path, options] of odd) {
      const reply = await call(method, path, options);
      expect(reply.status, `${method} ${path}`).to.be.within(400, 499);
      expect(reply.body.detail, `${method} ${path}`).to.exist;
    }
  });
});
