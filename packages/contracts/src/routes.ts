import type { z } from 'zod';
import { createKeyBody, credentialsBody, refreshBody, validateBody } from './auth.js';
import { anthropicMessagesRequest, chatRequest, openAiChatRequest } from './chat.js';
import { createPersonaBody, setPersonaBody, updatePersonaBody } from './chat-personas.js';

/** The services the gateway routes to (the gateway answers its own routes). */
export type ServiceName = 'gateway' | 'auth' | 'chat' | 'asset';
export const routedServices = ['auth', 'chat', 'asset'] as const satisfies readonly ServiceName[];
export type RoutedService = (typeof routedServices)[number];

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/**
 * One public route of the gateway: who serves it and whether it needs credentials.
 * `path` uses Express syntax; services serve the same path the client called.
 */
export interface RouteContract {
  readonly method: HttpMethod;
  readonly path: string;
  readonly service: ServiceName;
  readonly access: 'public' | 'authenticated';
  readonly group: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  /** SDK-compatible routes also accept an API key as a Bearer token and answer errors in the SDK's shape. */
  readonly sdk?: 'openai' | 'anthropic';
}

type RouteRow = [HttpMethod, string, string, Partial<Pick<RouteContract, 'access' | 'body' | 'sdk'>>?];

function group(name: string, service: ServiceName, rows: RouteRow[]): RouteContract[] {
  return rows.map(([method, path, summary, extra]) => ({
    method,
    path,
    service,
    group: name,
    summary,
    access: extra?.access ?? 'authenticated',
    ...(extra?.body ? { body: extra.body } : {}),
    ...(extra?.sdk ? { sdk: extra.sdk } : {}),
  }));
}

const open = { access: 'public' } as const;

/** Every route of the gateway: the original platform's 72, the fixes, and the SDK-compatible additions. */
export const routes: readonly RouteContract[] = [
  ...group('root', 'gateway', [
    ['get', '/', 'Gateway banner and API versions', open],
    ['post', '/calculator/add', 'Legacy calculator', open],
  ]),
  ...group('health', 'gateway', [
    ['get', '/health', 'Aggregated health of the gateway and every service', open],
    ['get', '/api/v0.2', 'v0.2 API information', open],
    ['get', '/api/v0.2/health', 'v0.2 API health', open],
  ]),
  ...group('v0.2 chat', 'chat', [
    [
      'post',
      '/api/v0.2/chat',
      'Chat completion (OpenAI-style stream with stream: true)',
      { body: chatRequest },
    ],
    ['get', '/api/v0.2/chat/status', 'Conversation status'],
    ['delete', '/api/v0.2/chat/history', 'Clear chat history'],
    ['post', '/api/v0.2/chat/reload-prompt', 'Re-apply the system prompt'],
  ]),
  ...group('v0.2 streaming', 'chat', [
    ['post', '/api/v0.2/chat/stream', 'Stream a reply as Gaia SSE events', { body: chatRequest }],
    ['post', '/api/v0.2/chat/stream/cache/invalidate', 'Invalidate stream caches'],
    ['get', '/api/v0.2/chat/stream/cache/status', 'Stream cache status'],
    ['get', '/api/v0.2/chat/stream/status', 'Streaming status'],
    ['delete', '/api/v0.2/chat/stream/history', 'Clear streaming history'],
    ['get', '/api/v0.2/chat/stream/models', 'Models available for streaming'],
    ['get', '/api/v0.2/chat/stream/models/performance', 'Streaming model rankings'],
  ]),
  ...group('v0.2 providers', 'chat', [
    ['get', '/api/v0.2/providers', 'List providers'],
    ['get', '/api/v0.2/providers/health', 'Health of every provider'],
    ['get', '/api/v0.2/providers/stats', 'Usage statistics of every provider'],
    ['get', '/api/v0.2/providers/:provider', 'Provider detail'],
    ['get', '/api/v0.2/providers/:provider/models', 'Models of a provider'],
    ['get', '/api/v0.2/providers/:provider/health', 'Health of a provider'],
    ['get', '/api/v0.2/providers/:provider/stats', 'Statistics of a provider'],
  ]),
  ...group('v0.2 models', 'chat', [
    ['get', '/api/v0.2/models', 'List models'],
    ['get', '/api/v0.2/models/capabilities', 'Model capabilities'],
    ['get', '/api/v0.2/models/priorities', 'Model priorities'],
    ['get', '/api/v0.2/models/contexts', 'Models per context type'],
    ['get', '/api/v0.2/models/:model_id', 'Model detail'],
  ]),
  ...group('v0.2 asset pricing', 'asset', [
    ['get', '/api/v0.2/assets/pricing/current', 'Current pricing of a provider'],
    ['get', '/api/v0.2/assets/pricing/analytics', 'Pricing analytics'],
    ['post', '/api/v0.2/assets/pricing/update', 'Trigger a pricing update'],
    ['get', '/api/v0.2/assets/pricing/providers', 'Pricing of every provider'],
  ]),
  ...group('v0.2 cost estimator', 'asset', [
    ['post', '/api/v0.2/assets/pricing/cost-estimator/estimate', 'Estimate a cost'],
    ['get', '/api/v0.2/assets/pricing/cost-estimator/dalle-tiers', 'DALL-E tiers'],
    ['get', '/api/v0.2/assets/pricing/cost-estimator/meshy-packages', 'Meshy packages'],
    ['get', '/api/v0.2/assets/pricing/cost-estimator/provider-comparison', 'Compare providers'],
  ]),
  ...group('v0.2 usage', 'chat', [
    ['get', '/api/v0.2/usage/current', 'Current usage'],
    ['get', '/api/v0.2/usage/history', 'Usage history'],
    ['post', '/api/v0.2/usage/log', 'Log usage'],
    ['get', '/api/v0.2/usage/limits', 'Usage limits'],
    ['get', '/api/v0.2/usage/billing/current', 'Current billing period'],
    ['get', '/api/v0.2/usage/reports/monthly', 'Monthly report'],
  ]),
  ...group('v0.2 personas', 'chat', [
    ['get', '/api/v0.2/personas', 'List personas'],
    ['get', '/api/v0.2/personas/current', "The caller's current persona"],
    ['post', '/api/v0.2/personas/set', 'Set the current persona', { body: setPersonaBody }],
    ['post', '/api/v0.2/personas/initialize-default', 'Create the default persona'],
    ['get', '/api/v0.2/personas/:persona_id', 'Persona detail'],
    ['post', '/api/v0.2/personas', 'Create a persona', { body: createPersonaBody }],
    ['put', '/api/v0.2/personas/:persona_id', 'Update a persona', { body: updatePersonaBody }],
    ['delete', '/api/v0.2/personas/:persona_id', 'Delete a persona'],
  ]),
  ...group('v0.2 performance', 'chat', [
    ['get', '/api/v0.2/performance/summary', 'Performance summary'],
    ['get', '/api/v0.2/performance/providers', 'Performance per provider'],
    ['get', '/api/v0.2/performance/stages', 'Stage timings'],
    ['get', '/api/v0.2/performance/live', 'Live requests'],
    ['get', '/api/v0.2/performance/health', 'Performance health'],
    ['delete', '/api/v0.2/performance/reset', 'Reset performance data'],
  ]),
  ...group('v0.2 performance', 'gateway', [
    ['get', '/api/v0.2/performance/scaling', 'Ready pods and autoscaler replicas of every service'],
  ]),
  ...group('v1 chat', 'chat', [
    ['post', '/api/v1/chat', 'Legacy chat', { body: chatRequest }],
    ['post', '/api/v1/chat/completions', 'Legacy chat, or OpenAI-style with messages', { sdk: 'openai' }],
    ['get', '/api/v1/chat/status', 'Legacy chat status'],
    ['delete', '/api/v1/chat/history', 'Clear legacy chat history'],
    ['post', '/api/v1/chat/reload-prompt', 'Re-apply the system prompt'],
    ['get', '/api/v1/chat/personas', 'List personas (v1)'],
    ['post', '/api/v1/chat/personas', 'Create a persona (v1)', { body: createPersonaBody }],
  ]),
  ...group('v1 assets', 'asset', [
    ['get', '/api/v1/assets', 'List assets'],
    ['post', '/api/v1/assets/generate', 'Generate an asset'],
    ['get', '/api/v1/assets/test', 'Asset service check', open],
    ['get', '/api/v1/assets/:asset_id', 'Asset detail'],
  ]),
  ...group('v1 auth', 'auth', [
    ['post', '/api/v1/auth/validate', 'Validate a JWT or API key', { ...open, body: validateBody }],
    ['post', '/api/v1/auth/refresh', 'Exchange a refresh token', { ...open, body: refreshBody }],
    ['post', '/api/v1/auth/register', 'Create an account', { ...open, body: credentialsBody }],
    ['post', '/api/v1/auth/login', 'Sign in with email and password', { ...open, body: credentialsBody }],
    ['post', '/api/v1/auth/logout', 'Sign out (revokes refresh tokens)'],
    ['get', '/api/v1/auth/keys', "List the caller's API keys"],
    ['post', '/api/v1/auth/keys', 'Create an API key (the raw key is shown once)', { body: createKeyBody }],
    ['delete', '/api/v1/auth/keys/:key_id', 'Revoke an API key'],
  ]),
  ...group('v1 filesystem', 'chat', [
    ['get', '/api/v1/filesystem', 'List files in the sandbox'],
    ['post', '/api/v1/filesystem/read', 'Read a file in the sandbox'],
  ]),
  ...group('OpenAI compatible', 'chat', [
    ['post', '/v1/chat/completions', 'OpenAI chat completions', { sdk: 'openai', body: openAiChatRequest }],
    ['get', '/v1/models', 'OpenAI model list', { sdk: 'openai' }],
  ]),
  ...group('Anthropic compatible', 'chat', [
    ['post', '/v1/messages', 'Anthropic messages', { sdk: 'anthropic', body: anthropicMessagesRequest }],
  ]),
];
