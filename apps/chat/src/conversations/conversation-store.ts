import type { PrismaClient } from '@gaia/platform';
import type { Channel, HistoryStore } from '../chat/ports.js';
import type { ChatTurn } from '../providers/provider.js';

/** A turn as stored: the reply's model, provider and token counts when known. */
export type StoredTurn = ChatTurn & {
  model?: string | null | undefined;
  provider?: string | null | undefined;
  inputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
};

export interface ConversationStore extends HistoryStore {
  /** The last `limit` turns (all without one), oldest first. */
  history(userId: string, channel: Channel, options?: { limit?: number }): Promise<ChatTurn[]>;
  /** Adds turns in their order, creating the conversation on first use. */
  append(userId: string, channel: Channel, turns: StoredTurn[]): Promise<void>;
  /** Forgets the conversation and its turns. */
  clear(userId: string, channel: Channel): Promise<void>;
  /** How many turns the conversation holds. */
  count(userId: string, channel: Channel): Promise<number>;
}

/**
 * Conversation history in PostgreSQL, one per user and channel, so any chat replica serves any
 * conversation.
 * @example const conversations = createConversationStore(database.prisma); await conversations.append(userId, 'v0.2', [{ role: 'user', content: 'Hi' }]);
 */
export function createConversationStore(prisma: PrismaClient): ConversationStore {
  const ofConversation = (userId: string, channel: Channel) => ({ conversation: { userId, channel } });

  return {
    async history(userId, channel, { limit } = {}) {
      const rows = await prisma.chatMessage.findMany({
        where: ofConversation(userId, channel),
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        select: { role: true, content: true },
      });
      // Only append writes this table, and only with ChatTurn roles.
      return rows.reverse().map(({ role, content }) => ({ role: role as ChatTurn['role'], content }));
    },

    async append(userId, channel, turns) {
      if (turns.length === 0) return;
      const column = (pick: (turn: StoredTurn) => unknown) => turns.map((turn) => pick(turn) ?? null);
      // One statement. ON CONFLICT makes replicas appending to a new conversation share it, and its
      // row lock queues appends to the same conversation, so the clock read after the lock orders
      // them: each turn gets that time plus its position in microseconds, keeping a batch together.
      await prisma.$executeRaw`
        WITH conversation AS (
          INSERT INTO conversations (user_id, channel) VALUES (${userId}, ${channel})
          ON CONFLICT (user_id, channel) DO UPDATE SET updated_at = now()
          RETURNING id, clock_timestamp() AS appended_at
        )
        INSERT INTO chat_messages
          (conversation_id, role, content, model, provider, input_tokens, output_tokens, created_at)
        SELECT conversation.id, turn.role, turn.content, turn.model, turn.provider, turn.input_tokens,
               turn.output_tokens, conversation.appended_at + (turn.ord - 1) * interval '1 microsecond'
          FROM conversation,
               unnest(
                 ${column((t) => t.role)}::varchar[], ${column((t) => t.content)}::text[],
                 ${column((t) => t.model)}::varchar[], ${column((t) => t.provider)}::varchar[],
                 ${column((t) => t.inputTokens)}::int[], ${column((t) => t.outputTokens)}::int[]
               ) WITH ORDINALITY AS turn(role, content, model, provider, input_tokens, output_tokens, ord)`;
    },

    async clear(userId, channel) {
      await prisma.conversation.deleteMany({ where: { userId, channel } });
    },

    async count(userId, channel) {
      return prisma.chatMessage.count({ where: ofConversation(userId, channel) });
    },
  };
}
