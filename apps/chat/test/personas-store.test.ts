import { randomUUID } from 'node:crypto';
import { persona as personaSchema, type CreatePersonaBody } from '@gaia/contracts';
import { ConflictError, createDatabase, NotFoundError, type Database } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { defaultPersona, TOOLS_PLACEHOLDER } from '../src/personas/default-persona.js';
import { createPersonaStore, type PersonaStore } from '../src/personas/persona-store.js';

const body = (name: string, extra: Partial<CreatePersonaBody> = {}): CreatePersonaBody => ({
  name,
  description: `${name} description`,
  system_prompt: `You are ${name}.`,
  personality_traits: {},
  capabilities: {},
  ...extra,
});

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('persona store', () => {
  let testDb: TestDatabase;
  let db: Database;
  let personas: PersonaStore;
  const user = () => `user-${randomUUID()}`;
  const removeMu = () => db.prisma.persona.deleteMany({ where: { name: 'Mu' } });

  before(async () => {
    testDb = await createTestDatabase();
    db = createDatabase({ url: testDb.url, poolSize: 4 });
    personas = createPersonaStore(db.prisma);
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });

  it('creates an active persona in the shape of §7.1, created by the caller', async () => {
    const created = await personas.create(body('Sage', { personality_traits: { calm: true } }), 'user-1');
    expect(personaSchema.strict().parse(created)).to.deep.equal(created);
    expect(created).to.include({
      name: 'Sage',
      is_active: true,
      created_by: 'user-1',
      system_prompt: 'You are Sage.',
    });
    expect(created.personality_traits).to.deep.equal({ calm: true });
    expect(created.capabilities).to.deep.equal({});
    expect(created.created_at).to.equal(created.updated_at);
    expect(await personas.retrieve(created.id)).to.deep.equal(created);
  });

  it('refuses a taken name with 409 naming it, also when the persona holding it was deleted', async () => {
    await personas.create(body('Echo'), null);
    const duplicate = await rejection(personas.create(body('Echo'), null));
    expect(duplicate).to.be.instanceOf(ConflictError);
    expect(duplicate).to.include({ status: 409, detail: "Persona with name 'Echo' already exists" });

    const deleted = await personas.create(body('Ghost'), null);
    await personas.delete(deleted.id);
    expect(await rejection(personas.create(body('Ghost'), null))).to.include({ status: 409 });
  });

  it('finds only active personas; unknown, deleted and non-UUID ids are 404 naming the id', async () => {
    const gone = await personas.create(body('Gone'), null);
    await personas.delete(gone.id);
    for (const id of [gone.id, randomUUID(), 'not-a-uuid', "x'; DROP TABLE personas; --"]) {
      const error = await rejection(personas.retrieve(id));
      expect(error).to.be.instanceOf(NotFoundError);
      expect(error).to.include({ detail: `Persona not found: ${id}` });
    }
  });

  it('lists newest first, active ones only unless asked for all', async () => {
    const older = await personas.create(body('Older'), null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = await personas.create(body('Newer'), null);
    const hidden = await personas.create(body('Hidden'), null);
    await personas.delete(hidden.id);

    const active = await personas.list();
    const names = active.map((p) => p.name);
    expect(names.indexOf('Newer')).to.be.lessThan(names.indexOf('Older'));
    expect(active.every((p) => p.is_active)).to.equal(true);
    expect(names).not.to.include('Hidden');
    const all = await personas.list({ activeOnly: false });
    expect(all.map((p) => p.id)).to.include.members([older.id, newer.id, hidden.id]);
    const times = all.map((p) => p.created_at);
    expect(times).to.deep.equal([...times].sort().reverse());
  });

  it('updates only the fields given, ignores nulls and bumps updated_at', async () => {
    const original = await personas.create(body('Morph', { capabilities: { drawing: true } }), 'user-2');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await personas.update(original.id, { description: 'changed', system_prompt: null });
    expect(updated).to.deep.include({
      id: original.id,
      name: 'Morph',
      description: 'changed',
      system_prompt: original.system_prompt,
      capabilities: { drawing: true },
      created_by: 'user-2',
      created_at: original.created_at,
    });
    expect(updated.updated_at > original.updated_at).to.equal(true);
    expect(await personas.update(original.id, {})).to.deep.equal(updated);
  });

  it('refuses to update a deleted, unknown or non-UUID persona (404) or to take a used name (409)', async () => {
    const first = await personas.create(body('First'), null);
    await personas.create(body('Second'), null);
    expect(await rejection(personas.update(first.id, { name: 'Second' }))).to.include({
      status: 409,
      detail: "Persona with name 'Second' already exists",
    });
    await personas.delete(first.id);
    for (const id of [first.id, randomUUID(), 'nope']) {
      expect(await rejection(personas.update(id, { description: 'x' }))).to.include({
        status: 404,
        detail: `Persona not found: ${id}`,
      });
    }
    expect(await rejection(personas.update(first.id, {}))).to.include({ status: 404 });
  });

  it('deletes softly: the row stays inactive, deleting again succeeds, unknown ids are 404', async () => {
    const doomed = await personas.create(body('Doomed'), null);
    await personas.delete(doomed.id);
    await personas.delete(doomed.id);
    const row = await db.prisma.persona.findUniqueOrThrow({ where: { id: doomed.id } });
    expect(row.isActive).to.equal(false);
    for (const id of [randomUUID(), 'garbage']) {
      expect(await rejection(personas.delete(id))).to.include({
        status: 404,
        detail: `Persona not found: ${id}`,
      });
    }
  });

  it('creates the default persona Mu as §7.2 describes, once', async () => {
    await removeMu();
    const first = await personas.initializeDefault();
    const second = await personas.initializeDefault();
    expect([first.wasCreated, second.wasCreated]).to.deep.equal([true, false]);
    expect(second.persona).to.deep.equal(first.persona);
    const mu = first.persona;
    expect(mu).to.include({ name: 'Mu', created_by: 'system', is_active: true });
    expect(mu.system_prompt).to.match(/^You are Mu, a cheerful/);
    expect(mu.system_prompt.endsWith(TOOLS_PLACEHOLDER)).to.equal(true);
    expect(mu.personality_traits).to.deep.equal(
      Object.fromEntries(
        [
          'cheerful',
          'helpful',
          'robotic_charm',
          'supportive',
          'meditation_capable',
          'optimistic',
          'encouraging',
        ].map((key) => [key, true]),
      ),
    );
    expect(Object.keys(mu.capabilities).sort()).to.deep.equal(
      [
        'breathing_exercises',
        'emotional_support',
        'general_conversation',
        'meditation_guidance',
        'mindfulness_coaching',
        'positive_reinforcement',
        'tool_usage',
      ].sort(),
    );
    expect(Object.values(mu.capabilities).every((value) => value === true)).to.equal(true);
  });

  it('brings a deleted Mu back, with the same id, when the default is needed', async () => {
    const { persona: mu } = await personas.initializeDefault();
    await personas.delete(mu.id);
    const again = await personas.initializeDefault();
    expect(again.wasCreated).to.equal(true);
    expect(again.persona).to.include({ id: mu.id, is_active: true });
    expect((await personas.current(user())).id).to.equal(mu.id);
  });

  it('gives a user without a pick the default Mu, creating it when absent', async () => {
    await removeMu();
    const current = await personas.current(user());
    expect(current).to.include({ name: 'Mu', created_by: 'system' });
    expect(await db.prisma.persona.count({ where: { name: 'Mu' } })).to.equal(1);
  });

  it('creates Mu once when many current() calls race on two replicas', async () => {
    await removeMu();
    const other = createDatabase({ url: testDb.url, poolSize: 4 });
    try {
      const replicas = [personas, createPersonaStore(other.prisma)];
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => replicas[i % 2]!.current(user())),
      );
      expect(new Set(results.map((p) => p.id)).size).to.equal(1);
      expect(await db.prisma.persona.count({ where: { name: 'Mu' } })).to.equal(1);
    } finally {
      await other.close();
    }
  });

  it("sets a user's current persona (upsert), refusing unknown and deleted ones with 404", async () => {
    const userId = user();
    const a = await personas.create(body('Alpha'), null);
    const b = await personas.create(body('Beta'), null);
    expect((await personas.setCurrent(userId, a.id)).name).to.equal('Alpha');
    expect((await personas.current(userId)).id).to.equal(a.id);
    await personas.setCurrent(userId, b.id);
    expect((await personas.current(userId)).id).to.equal(b.id);
    expect(await db.prisma.userPersonaPreference.count({ where: { userId } })).to.equal(1);

    await personas.delete(a.id);
    for (const id of [a.id, randomUUID(), 'bad-id']) {
      expect(await rejection(personas.setCurrent(userId, id))).to.include({
        status: 404,
        detail: `Persona not found: ${id}`,
      });
    }
    expect((await personas.current(userId)).id).to.equal(b.id);
  });

  it('handles a new user setting a persona from two requests at once', async () => {
    const userId = user();
    const pick = await personas.create(body('Twin'), null);
    await Promise.all([personas.setCurrent(userId, pick.id), personas.setCurrent(userId, pick.id)]);
    expect((await personas.current(userId)).id).to.equal(pick.id);
  });

  it('falls back to Mu once the picked persona is deleted', async () => {
    const userId = user();
    const pick = await personas.create(body('Fleeting'), null);
    await personas.setCurrent(userId, pick.id);
    await personas.delete(pick.id);
    expect((await personas.current(userId)).name).to.equal('Mu');
  });

  it("gives chat the current persona's system prompt without the tools placeholder", async () => {
    const userId = user();
    const muPrompt = await personas.systemPromptFor(userId);
    expect(muPrompt).to.equal(defaultPersona.system_prompt.replace(TOOLS_PLACEHOLDER, '').trim());
    expect(muPrompt).not.to.include('{tools_section}');

    const pirate = await personas.create(
      body('Pirate', { system_prompt: `Arr.\n${TOOLS_PLACEHOLDER}\nBe brief.` }),
      null,
    );
    await personas.setCurrent(userId, pirate.id);
    expect(await personas.systemPromptFor(userId)).to.equal('Arr.\n\nBe brief.');
  });
});
