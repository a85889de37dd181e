import {
  createPersonaBody,
  listPersonasQuery,
  setPersonaBody,
  updatePersonaBody,
  type DefaultPersonaResult,
  type Persona,
  type PersonaDeleted,
  type PersonaList,
  type PersonaResult,
  type PersonaSelected,
} from '@gaia/contracts';
import { BadRequestError, parseInput } from '@gaia/platform';
import type { IRouter, RequestHandler, Response } from 'express';
import type { PersonaStore } from '../personas/persona-store.js';

const V02 = '/api/v0.2/personas';
const V1 = '/api/v1/chat/personas';

/** The calling user's id; undefined for a service or anonymous caller. */
function callerUserId(res: Response): string | undefined {
  const identity = res.locals.identity;
  return identity?.auth_type === 'jwt' || identity?.auth_type === 'user_api_key'
    ? identity.user_id
    : undefined;
}

function requireUserId(res: Response): string {
  const userId = callerUserId(res);
  if (!userId) throw new BadRequestError('User ID required');
  return userId;
}

const result = (message: string, persona: Persona): PersonaResult => ({ success: true, message, persona });

/**
 * The persona routes: the eight of `/api/v0.2/personas` and the v1 list and create
 * (`/api/v1/chat/personas`), answering the original's bodies.
 * @example personaRoutes(app, { personas: createPersonaStore(database.prisma) });
 */
export function personaRoutes(router: IRouter, { personas }: { personas: PersonaStore }): void {
  const list: RequestHandler = async (req, res) => {
    const { active_only } = parseInput(listPersonasQuery, req.query, 'query');
    const found = await personas.list({ activeOnly: active_only });
    const body: PersonaList = {
      success: true,
      personas: found,
      total: found.length,
      message: `Found ${found.length} personas`,
    };
    res.json(body);
  };
  const create: RequestHandler = async (req, res) => {
    const input = parseInput(createPersonaBody, req.body);
    const persona = await personas.create(input, callerUserId(res) ?? null);
    res.json(result('Persona created successfully', persona));
  };
  router.get([V02, V1], list);
  router.post([V02, V1], create);

  // The literal paths come before /:persona_id, which would otherwise take them as ids.
  router.get(`${V02}/current`, async (_req, res) => {
    const persona = await personas.current(requireUserId(res));
    res.json(result('Current persona retrieved successfully', persona));
  });
  router.post(`${V02}/set`, async (req, res) => {
    const { persona_id } = parseInput(setPersonaBody, req.body);
    const persona = await personas.setCurrent(requireUserId(res), persona_id);
    const body: PersonaSelected = {
      success: true,
      message: `Active persona set to ${persona.name}`,
      persona_id: persona.id,
      persona_name: persona.name,
    };
    res.json(body);
  });
  router.post(`${V02}/initialize-default`, async (_req, res) => {
    const { persona, wasCreated } = await personas.initializeDefault();
    const message = wasCreated ? 'Default persona created successfully' : 'Default persona already exists';
    const body: DefaultPersonaResult = { ...result(message, persona), was_created: wasCreated };
    res.json(body);
  });

  router.get(`${V02}/:persona_id`, async (req, res) => {
    res.json(result('Persona retrieved successfully', await personas.retrieve(req.params.persona_id)));
  });
  router.put(`${V02}/:persona_id`, async (req, res) => {
    const changes = parseInput(updatePersonaBody, req.body);
    const persona = await personas.update(req.params.persona_id, changes);
    res.json(result('Persona updated successfully', persona));
  });
  router.delete(`${V02}/:persona_id`, async (req, res) => {
    await personas.delete(req.params.persona_id);
    const body: PersonaDeleted = {
      success: true,
      message: 'Persona deleted successfully',
      persona_id: req.params.persona_id,
    };
    res.json(body);
  });
}
