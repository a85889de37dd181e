import { personasChanged } from '@gaia/contracts';
import { createDatabase, createLogger, createMemoryBus, type Bus, type Database } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { cacheSystemPrompts } from '../src/personas/cached-system-prompts.js';
import { createPersonaStore, type PersonaStore } from '../src/personas/persona-store.js';

describe('cached system prompts', () => {
  const logger = createLogger({ service: 'test', level: 'error', format: 'json' });
  let testDb: TestDatabase;
  let db: Database;
  let bus: Bus;
  let clock: number;
  let lookups: number;
  let lastRead: Promise<string> | undefined;
  let failing: boolean;
  let personas: PersonaStore;

  before(async () => {
    testDb = await createTestDatabase();
    db = createDatabase({ url: testDb.url, poolSize: 2 });
  });
  after(async () => {
    await db?.close();
    await testDb?.drop();
  });
  beforeEach(async () => {
    clock = 0;
    lookups = 0;
    failing = false;
    bus = createMemoryBus(logger);
    const store = createPersonaStore(db.prisma);
    const counted: PersonaStore = {
      ...store,
      systemPromptFor: (userId) => {
        lookups += 1;
        lastRead = failing
          ? Promise.reject(new Error('database unreachable'))
          : store.systemPromptFor(userId);
        return lastRead;
      },
    };
    personas = await cacheSystemPrompts(counted, {
      bus,
      logger,
      ttlMs: 1000,
      maxEntries: 2,
      now: () => clock,
    });
  });
  afterEach(() => bus.close());

  it('asks the database once per user while the prompt is fresh, concurrent misses included', async () => {
    const prompts = await Promise.all([1, 2, 3].map(() => personas.systemPromptFor('user-a')));
    expect(new Set(prompts).size).to.equal(1);
    expect(prompts[0]).to.match(/^You are Mu/);
    await personas.systemPromptFor('user-a');
    expect(lookups).to.equal(1);
    clock += 1001;
    await personas.systemPromptFor('user-a');
    expect(lookups).to.equal(2);
  });

  it('reads a prompt in use again in the background from 80 % of the TTL, once, and keeps it longer', async () => {
    const first = personas.systemPromptFor('user-r');
    await first;
    clock = 800;
    expect(personas.systemPromptFor('user-r')).to.equal(first);
    expect(personas.systemPromptFor('user-r')).to.equal(first);
    expect(lookups).to.equal(2);
    await lastRead;
    await new Promise(setImmediate);
    // Past the first read's expiry, before the second read's refresh point.
    clock = 1500;
    expect(await personas.systemPromptFor('user-r')).to.match(/^You are Mu/);
    expect(lookups).to.equal(2);
  });

  it('serves a prompt whose refresh failed until it expires, retrying after a pause', async () => {
    const first = await personas.systemPromptFor('user-f');
    failing = true;
    clock = 800;
    expect(await personas.systemPromptFor('user-f')).to.equal(first);
    await lastRead?.catch(() => undefined);
    clock = 849;
    await personas.systemPromptFor('user-f');
    expect(lookups).to.equal(2);
    clock = 850;
    expect(await personas.systemPromptFor('user-f')).to.equal(first);
    expect(lookups).to.equal(3);
    await lastRead?.catch(() => undefined);
    clock = 1000;
    let error: unknown;
    await personas.systemPromptFor('user-f').catch((caught: unknown) => (error = caught));
    expect(String(error)).to.include('database unreachable');
  });

  it('keeps at most maxEntries users, dropping the oldest', async () => {
    for (const user of ['u1', 'u2', 'u3']) await personas.systemPromptFor(user);
    await personas.systemPromptFor('u3');
    expect(lookups).to.equal(3);
    await personas.systemPromptFor('u1');
    expect(lookups).to.equal(4);
  });

  it('forgets one user on their own pick and everyone on an edit, announcing both on the bus', async () => {
    const announced: (string | null)[] = [];
    await bus.subscribe(personasChanged, (event) => void announced.push(event.user_id));
    const owl = await personas.create(
      {
        name: `Owl ${Date.now()}`,
        description: 'Wise',
        system_prompt: 'Hoo.',
        personality_traits: {},
        capabilities: {},
      },
      null,
    );
    await personas.systemPromptFor('picker');
    await personas.systemPromptFor('bystander');
    await personas.setCurrent('picker', owl.id);
    expect(await personas.systemPromptFor('picker')).to.equal('Hoo.');
    await personas.systemPromptFor('bystander');
    expect(lookups).to.equal(3);

    await personas.update(owl.id, { system_prompt: 'Hoo hoo.' });
    expect(await personas.systemPromptFor('picker')).to.equal('Hoo hoo.');
    await personas.systemPromptFor('bystander');
    expect(lookups).to.equal(5);
    expect(announced).to.deep.equal(['picker', null]);
  });
});
