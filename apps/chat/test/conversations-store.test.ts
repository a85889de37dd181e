import { randomUUID } from 'node:crypto';
import { createDatabase, type Database, type PrismaClient } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { createConversationStore, type ConversationStore } from '../src/conversations/conversation-store.js';

describe('conversation store', () => {
  let testDb: TestDatabase;
  let db: Database;
  let conversations: ConversationStore;
  const user = () => `user-${randomUUID()}`;
  const said = (content: string) => ({ role: 'user' as const, content });
  const replied = (content: string) => ({ role: 'assistant' as const, content });

  before(async () => {
    testDb = await createTestDatabase();
    db = createDatabase({ url: testDb.url, poolSize: 4 });
    conversations = createConversationStore(db.prisma);
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });

  it('has no history and no turns for a new user', async () => {
    const userId = user();
    expect(await conversations.history(userId, 'v0.2')).to.deep.equal([]);
    expect(await conversations.count(userId, 'v0.2')).to.equal(0);
    await conversations.append(userId, 'v0.2', []);
    expect(await db.prisma.conversation.count({ where: { userId } })).to.equal(0);
  });

  it('returns turns in the order they were appended, within and across appends', async () => {
    const userId = user();
    await conversations.append(userId, 'v0.2', [said('one'), replied('two'), said('three')]);
    for (let i = 4; i <= 30; i++) await conversations.append(userId, 'v0.2', [said(String(i))]);
    const history = await conversations.history(userId, 'v0.2');
    expect(history.slice(0, 3)).to.deep.equal([said('one'), replied('two'), said('three')]);
    expect(history.slice(3).map((turn) => turn.content)).to.deep.equal(
      Array.from({ length: 27 }, (_, i) => String(i + 4)),
    );
    expect(await conversations.count(userId, 'v0.2')).to.equal(30);
  });

  it('returns the last `limit` turns, oldest first', async () => {
    const userId = user();
    await conversations.append(userId, 'stream', ['a', 'b', 'c', 'd', 'e'].map(said));
    expect((await conversations.history(userId, 'stream', { limit: 2 })).map((t) => t.content)).to.deep.equal(
      ['d', 'e'],
    );
  });

  it('stores the reply model, provider and token counts with the turn', async () => {
    const userId = user();
    await conversations.append(userId, 'v1', [
      said('hi'),
      { ...replied('hello'), model: 'gpt-4o-mini', provider: 'openai', inputTokens: 12, outputTokens: 3 },
    ]);
    const rows = await db.prisma.chatMessage.findMany({
      where: { conversation: { userId, channel: 'v1' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(rows.map((r) => [r.role, r.model, r.provider, r.inputTokens, r.outputTokens])).to.deep.equal([
      ['user', null, null, null, null],
      ['assistant', 'gpt-4o-mini', 'openai', 12, 3],
    ]);
  });

  it('keeps channels and users apart, and clears one channel only', async () => {
    const alice = user();
    const bob = user();
    await conversations.append(alice, 'v1', [said('alice v1')]);
    await conversations.append(alice, 'v0.2', [said('alice v0.2')]);
    await conversations.append(bob, 'v1', [said('bob v1')]);

    await conversations.clear(alice, 'v1');
    expect(await conversations.history(alice, 'v1')).to.deep.equal([]);
    expect(await conversations.count(alice, 'v1')).to.equal(0);
    expect(await conversations.history(alice, 'v0.2')).to.deep.equal([said('alice v0.2')]);
    expect(await conversations.history(bob, 'v1')).to.deep.equal([said('bob v1')]);

    await conversations.clear(alice, 'v1');
    await conversations.append(alice, 'v1', [said('after clear')]);
    expect(await conversations.history(alice, 'v1')).to.deep.equal([said('after clear')]);
  });

  it('orders an append that waited for another replica after everything that replica appended first', async () => {
    const userId = user();
    await conversations.append(userId, 'v1', [said('first')]);
    const other = createDatabase({ url: testDb.url, poolSize: 2 });
    try {
      let locked!: () => void;
      let proceed!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const mayProceed = new Promise<void>((resolve) => (proceed = resolve));
      // The other replica holds the conversation's row lock (a transaction around its append) while it
      // appends again after this replica's append has started waiting for that lock.
      const holder = other.prisma.$transaction(async (tx) => {
        const inTransaction = createConversationStore(tx as unknown as PrismaClient);
        await inTransaction.append(userId, 'v1', [said('second')]);
        locked();
        await mayProceed;
        await inTransaction.append(userId, 'v1', [said('third')]);
      });
      await isLocked;
      const waiter = conversations.append(userId, 'v1', [said('fourth')]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      proceed();
      await Promise.all([holder, waiter]);
      const history = await conversations.history(userId, 'v1');
      expect(history.map((turn) => turn.content)).to.deep.equal(['first', 'second', 'third', 'fourth']);
    } finally {
      await other.close();
    }
  });

  it('lets two replicas append to a new conversation at once: one conversation, every exchange whole', async () => {
    const userId = user();
    const other = createDatabase({ url: testDb.url, poolSize: 4 });
    try {
      const replicas = [conversations, createConversationStore(other.prisma)];
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          replicas[i % 2]!.append(userId, 'v0.2', [said(`q${i}`), replied(`a${i}`)]),
        ),
      );
      expect(await db.prisma.conversation.count({ where: { userId } })).to.equal(1);
      const history = await replicas[1]!.history(userId, 'v0.2');
      expect(history).to.have.length(40);
      for (let at = 0; at < history.length; at += 2) {
        const question = history[at]!;
        expect(question.role).to.equal('user');
        expect(history[at + 1]).to.deep.equal(replied(question.content.replace('q', 'a')));
      }
      expect(new Set(history.map((turn) => turn.content)).size).to.equal(40);
    } finally {
      await other.close();
    }
  });
});
