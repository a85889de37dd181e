import { z } from 'zod';
import { defineEventFamily } from './event.js';

/** Original spellings accepted on input (Q20); the registry maps them to one provider id. */
export const chatProviderInput = z.string().min(1).max(64);

/** Context types of the original's model selection (§4.6). */
export const contextType = z.enum([
  'greeting',
  'conversation',
  'technical',
  'creative',
  'vr',
  'emergency',
  'multimodal',
]);
export type ContextType = z.infer<typeof contextType>;

/** The original ChatRequest (§4.1), shared by v0.2 chat, v0.2 stream and legacy v1 chat. */
export const chatRequest = z.object({
  message: z.string().trim().min(1, 'must not be empty').max(200_000),
  stream: z.boolean().default(false),
  provider: chatProviderInput.nullish(),
  model: z.string().min(1).max(128).nullish(),
  activity: z.string().max(64).default('generic'),
  persona_id: z.string().max(64).nullish(),
  auto_select_model: z.boolean().default(false),
  force_provider: z.boolean().default(true),
  priority: z.enum(['speed', 'quality', 'balanced', 'vr', 'cost']).nullish(),
  context_type: contextType.nullish(),
  max_response_time_ms: z.int().positive().nullish(),
  required_capabilities: z.array(z.string()).nullish(),
  force_model_override: z.boolean().default(false),
  enable_fallback: z.boolean().default(true),
  max_tokens: z.int().positive().max(200_000).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
});
export type ChatRequest = z.infer<typeof chatRequest>;

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const openAiContent = z.union([
  z.string(),
  z.array(z.union([textPart, z.looseObject({ type: z.string() })])),
]);

/** The subset of OpenAI's chat completion request Gaia serves (`/v1/chat/completions`). */
export const openAiChatRequest = z.looseObject({
  model: z.string().min(1).max(128),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
        content: openAiContent.nullish(),
      }),
    )
    .min(1, 'must contain at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
});
export type OpenAiChatRequest = z.infer<typeof openAiChatRequest>;

const anthropicContent = z.union([
  z.string(),
  z.array(z.union([textPart, z.looseObject({ type: z.string() })])),
]);

/** The subset of Anthropic's messages request Gaia serves (`/v1/messages`). */
export const anthropicMessagesRequest = z.looseObject({
  model: z.string().min(1).max(128),
  max_tokens: z.int().positive(),
  messages: z
    .array(z.looseObject({ role: z.enum(['user', 'assistant']), content: anthropicContent }))
    .min(1, 'must contain at least one message'),
  system: z.union([z.string(), z.array(textPart)]).nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(1).nullish(),
});
export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequest>;

const chatEventBase = {
  conversation_id: z.string(),
  user_id: z.string(),
  message_id: z.string(),
  timestamp: z.iso.datetime(),
};

/** `gaia.chat.<conversation>.started`: a reply began (for live listeners such as the web UI). */
export const chatMessageStarted = defineEventFamily(
  (conversation) => `gaia.chat.${conversation}.started`,
  z.object({ ...chatEventBase, model: z.string(), provider: z.string() }),
);

/** `gaia.chat.<conversation>.delta`: text produced since the previous delta event (batched). */
export const chatMessageDelta = defineEventFamily(
  (conversation) => `gaia.chat.${conversation}.delta`,
  z.object({ ...chatEventBase, text: z.string(), sequence: z.int().nonnegative() }),
);

/** `gaia.chat.<conversation>.completed`: the reply ended (status says how), with its usage. */
export const chatMessageCompleted = defineEventFamily(
  (conversation) => `gaia.chat.${conversation}.completed`,
  z.object({
    ...chatEventBase,
    status: z.enum(['ok', 'error', 'aborted']),
    model: z.string().nullable(),
    provider: z.string().nullable(),
    input_tokens: z.int().nonnegative(),
    output_tokens: z.int().nonnegative(),
    error: z.string().nullable(),
  }),
);
