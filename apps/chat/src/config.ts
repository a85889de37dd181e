import {
  busConfig,
  databaseConfig,
  httpConfig,
  identityConfig,
  loadConfig,
  logConfig,
  shutdownConfig,
} from '@gaia/platform';
import { z } from 'zod';

/** Environment of the chat service: the kit's blocks plus providers, model catalog and limits. */
export const chatConfigSchema = z.object({
  ...httpConfig('chat', 8003),
  ...logConfig,
  ...databaseConfig,
  ...busConfig,
  ...shutdownConfig,
  ...identityConfig,
  OPENAI_API_KEY: z
    .string()
    .optional()
    .describe('OpenAI API key; with it (or OPENAI_BASE_URL) the openai provider is on'),
  OPENAI_BASE_URL: z
    .url()
    .optional()
    .describe('OpenAI-compatible endpoint ending in /v1 (OpenAI, vLLM, Ollama, LM Studio)'),
  ANTHROPIC_API_KEY: z
    .string()
    .optional()
    .describe('Anthropic API key; with it the anthropic provider is on'),
  ANTHROPIC_BASE_URL: z.url().optional().describe('Anthropic endpoint (without /v1)'),
  MODELS_FILE: z
    .string()
    .optional()
    .describe('JSON model catalog (models, providers, prices, aliases); unset uses the built-in catalog'),
  DEFAULT_MAX_TOKENS: z.coerce
    .number()
    .int()
    .positive()
    .default(2000)
    .describe('Reply length limit when a request sets none'),
  PROVIDER_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('How long a provider may take to start answering before the attempt fails'),
  KEEPALIVE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(5000)
    .describe('Interval of SSE keep-alive comments while waiting for the first token'),
  FILESYSTEM_ROOT: z
    .string()
    .default('.data/files')
    .describe('Folder the v1 filesystem routes may read (sandboxed)'),
  FILESYSTEM_MAX_READ_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1_048_576)
    .describe('Largest file POST /api/v1/filesystem/read returns; larger ones get 413'),
  USAGE_MONTHLY_BUDGET_USD: z.coerce
    .number()
    .positive()
    .default(100)
    .describe('Monthly spending budget per user that the usage routes report against (warning above 80 %)'),
  USAGE_MONTHLY_REQUEST_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Monthly requests per user and provider that /api/v0.2/usage/limits reports against'),
});
export type ChatConfig = z.infer<typeof chatConfigSchema>;

/** @example const config = loadChatConfig(process.env); */
export function loadChatConfig(env: Record<string, string | undefined>): ChatConfig {
  return loadConfig(chatConfigSchema, env);
}
