import { z } from 'zod';
import { defineEvent } from './event.js';

/** Free-form flags of a persona (`{"cheerful": true}`); any JSON values. */
const traits = z.record(z.string(), z.json());

/** A persona as every persona route answers it (§7.1): snake_case fields, ISO datetimes. */
export const persona = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  system_prompt: z.string(),
  personality_traits: traits,
  capabilities: traits,
  is_active: z.boolean(),
  created_by: z.string().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type Persona = z.infer<typeof persona>;

const personaFields = {
  name: z.string().min(1).max(100),
  description: z.string(),
  system_prompt: z.string(),
};

/** `POST /api/v0.2/personas` and `POST /api/v1/chat/personas`. */
export const createPersonaBody = z.object({
  ...personaFields,
  personality_traits: traits.default({}),
  capabilities: traits.default({}),
});
export type CreatePersonaBody = z.output<typeof createPersonaBody>;

/** `PUT /api/v0.2/personas/{persona_id}`: any subset of the fields; null or absent leaves a field as it is. */
export const updatePersonaBody = z.object({
  name: personaFields.name.nullish(),
  description: personaFields.description.nullish(),
  system_prompt: personaFields.system_prompt.nullish(),
  personality_traits: traits.nullish(),
  capabilities: traits.nullish(),
});
export type UpdatePersonaBody = z.output<typeof updatePersonaBody>;

/** `POST /api/v0.2/personas/set`. */
export const setPersonaBody = z.object({ persona_id: z.string() });

/** `GET /api/v0.2/personas?active_only=false`. */
export const listPersonasQuery = z.object({ active_only: z.stringbool().default(true) });

/** Answer of the list routes, newest first. */
export const personaList = z.object({
  success: z.literal(true),
  personas: z.array(persona),
  total: z.int(),
  message: z.string(),
});
export type PersonaList = z.infer<typeof personaList>;

/** Answer of the routes about one persona (retrieve, current, create, update). */
export const personaResult = z.object({ success: z.literal(true), message: z.string(), persona });
export type PersonaResult = z.infer<typeof personaResult>;

/** Answer of `POST /api/v0.2/personas/initialize-default`. */
export const defaultPersonaResult = personaResult.extend({ was_created: z.boolean() });
export type DefaultPersonaResult = z.infer<typeof defaultPersonaResult>;

/** Answer of `POST /api/v0.2/personas/set`. */
export const personaSelected = z.object({
  success: z.literal(true),
  message: z.string(),
  persona_id: z.string(),
  persona_name: z.string(),
});
export type PersonaSelected = z.infer<typeof personaSelected>;

/** Answer of `DELETE /api/v0.2/personas/{persona_id}`. */
export const personaDeleted = z.object({
  success: z.literal(true),
  message: z.string(),
  persona_id: z.string(),
});
export type PersonaDeleted = z.infer<typeof personaDeleted>;

/**
 * `gaia.personas.changed`: a change that can alter system prompts. `user_id` names the one user who
 * picked another persona; null means any user's (a persona was edited, deleted or restored). Every
 * chat replica drops the cached prompts it covers.
 */
export const personasChanged = defineEvent(
  'gaia.personas.changed',
  z.object({ user_id: z.string().nullable(), timestamp: z.iso.datetime({ offset: true }) }),
);
