import type { CreatePersonaBody, Persona, UpdatePersonaBody } from '@gaia/contracts';
import { ConflictError, NotFoundError, Prisma, type PrismaClient } from '@gaia/platform';
import { z } from 'zod';
import { defaultPersona, SYSTEM_CREATOR, TOOLS_PLACEHOLDER } from './default-persona.js';

export interface PersonaStore {
  /** Personas newest first; only active ones unless `activeOnly` is false. */
  list(options?: { activeOnly?: boolean }): Promise<Persona[]>;
  /** An active persona; 404 naming the id when it is unknown, deleted or not a UUID. */
  retrieve(id: string): Promise<Persona>;
  /** A new active persona; 409 when the name is taken (also by a deleted persona). */
  create(input: CreatePersonaBody, createdBy: string | null): Promise<Persona>;
  /** Changes only the fields given (null counts as not given); 404 unless active, 409 for a taken name. */
  update(id: string, changes: UpdatePersonaBody): Promise<Persona>;
  /** Soft delete; deleting a deleted persona succeeds again; 404 only for ids that do not exist. */
  delete(id: string): Promise<void>;
  /** Makes an active persona the user's current one and returns it. */
  setCurrent(userId: string, personaId: string): Promise<Persona>;
  /** The user's pick while it is active, otherwise the default persona (created if absent). */
  current(userId: string): Promise<Persona>;
  /** The default persona Mu, created (or brought back after a delete) when needed. */
  initializeDefault(): Promise<{ persona: Persona; wasCreated: boolean }>;
  /** The system prompt chat sends for a user: the current persona's, without the tools placeholder. */
  systemPromptFor(userId: string): Promise<string>;
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;

const notFound = (id: string) => new NotFoundError(`Persona not found: ${id}`);

const isPrismaError = (error: unknown, code: string) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;

/** A taken name as the 409 it is; any other error unchanged. */
const nameTakenOr = (error: unknown, name: string | null | undefined) =>
  isPrismaError(error, 'P2002') ? new ConflictError(`Persona with name '${name}' already exists`) : error;

function toPersona(row: Prisma.PersonaModel): Persona {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    system_prompt: row.systemPrompt,
    // Both columns only ever hold objects: their default is {} and the bodies allow nothing else.
    personality_traits: row.personalityTraits as Persona['personality_traits'],
    capabilities: row.capabilities as Persona['capabilities'],
    is_active: row.isActive,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const toRow = (input: CreatePersonaBody, createdBy: string | null): Prisma.PersonaCreateInput => ({
  name: input.name,
  description: input.description,
  systemPrompt: input.system_prompt,
  personalityTraits: input.personality_traits,
  capabilities: input.capabilities,
  createdBy,
});

/**
 * Personas in PostgreSQL, shared by every chat replica, and each user's current one.
 * @example const personas = createPersonaStore(database.prisma); const prompt = await personas.systemPromptFor(userId);
 */
export function createPersonaStore(prisma: PrismaClient): PersonaStore {
  const activeRow = async (id: string) => {
    const row = isUuid(id) ? await prisma.persona.findUnique({ where: { id, isActive: true } }) : null;
    if (!row) throw notFound(id);
    return row;
  };

  const initializeDefault = async () => {
    const where = { name: defaultPersona.name };
    const existing = await prisma.persona.findUnique({ where });
    if (existing?.isActive) return { persona: toPersona(existing), wasCreated: false };
    // INSERT … ON CONFLICT DO NOTHING: of many requests racing here, one creates Mu and the rest find it.
    const created = await prisma.persona.createMany({
      data: [toRow(defaultPersona, SYSTEM_CREATOR)],
      skipDuplicates: true,
    });
    // A deleted Mu comes back: it is what every user without a pick talks to.
    const restored = created.count
      ? created
      : await prisma.persona.updateMany({ where: { ...where, isActive: false }, data: { isActive: true } });
    const row = await prisma.persona.findUniqueOrThrow({ where });
    return { persona: toPersona(row), wasCreated: restored.count > 0 };
  };

  const current = async (userId: string) => {
    const row = await prisma.persona.findFirst({
      where: { isActive: true, preferences: { some: { userId } } },
    });
    return row ? toPersona(row) : (await initializeDefault()).persona;
  };

  return {
    async list({ activeOnly = true } = {}) {
      const rows = await prisma.persona.findMany({
        where: activeOnly ? { isActive: true } : {},
        orderBy: [{ createdAt: 'desc' }, { name: 'asc' }],
      });
      return rows.map(toPersona);
    },

    async retrieve(id) {
      return toPersona(await activeRow(id));
    },

    async create(input, createdBy) {
      try {
        return toPersona(await prisma.persona.create({ data: toRow(input, createdBy) }));
      } catch (error) {
        throw nameTakenOr(error, input.name);
      }
    },

    async update(id, changes) {
      // Prisma leaves a column alone when its value is undefined.
      const data = {
        name: changes.name ?? undefined,
        description: changes.description ?? undefined,
        systemPrompt: changes.system_prompt ?? undefined,
        personalityTraits: changes.personality_traits ?? undefined,
        capabilities: changes.capabilities ?? undefined,
      };
      if (Object.values(data).every((value) => value === undefined)) return toPersona(await activeRow(id));
      if (!isUuid(id)) throw notFound(id);
      try {
        return toPersona(await prisma.persona.update({ where: { id, isActive: true }, data }));
      } catch (error) {
        throw isPrismaError(error, 'P2025') ? notFound(id) : nameTakenOr(error, changes.name);
      }
    },

    async delete(id) {
      const { count } = isUuid(id)
        ? await prisma.persona.updateMany({ where: { id }, data: { isActive: false } })
        : { count: 0 };
      if (!count) throw notFound(id);
    },

    async setCurrent(userId, personaId) {
      const row = await activeRow(personaId);
      await prisma.userPersonaPreference.upsert({
        where: { userId },
        create: { userId, personaId: row.id },
        update: { personaId: row.id },
      });
      return toPersona(row);
    },

    current,
    initializeDefault,

    async systemPromptFor(userId) {
      return (await current(userId)).system_prompt.replaceAll(TOOLS_PLACEHOLDER, '').trim();
    },
  };
}
