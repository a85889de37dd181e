import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { providerIds, type ProviderId } from '../providers/provider.js';
import builtInCatalog from './default-models.json' with { type: 'json' };

/** What a model can do; `required_capabilities` of a chat request name these. */
export const capabilities = [
  'chat',
  'streaming',
  'tool_calling',
  'vision',
  'code_generation',
  'multimodal',
  'long_context',
] as const;
export type Capability = (typeof capabilities)[number];

const providerEntry = z.strictObject({
  name: z.string().min(1),
  /** Old spellings accepted on input (`claude`, `openai_gpt`); output always uses the id. */
  aliases: z.array(z.string().min(1)).default([]),
  /** Lower is preferred when nothing in the request decides. */
  priority: z.int().default(5),
  /** Answers only when no other provider is available (the offline provider). */
  standby: z.boolean().default(false),
});

const modelEntry = z
  .strictObject({
    id: z.string().min(1),
    name: z.string().min(1),
    provider: z.enum(providerIds),
    /** The id the provider's API knows the model by; defaults to `id`. */
    upstream_model: z.string().min(1).optional(),
    description: z.string().default(''),
    context_window: z.int().positive(),
    max_output_tokens: z.int().positive(),
    capabilities: z.array(z.enum(capabilities)).min(1),
    /** USD per million tokens. */
    pricing: z.strictObject({
      input_per_million: z.number().nonnegative(),
      output_per_million: z.number().nonnegative(),
    }),
    /** Relative answer quality and speed in [0, 1], used by selection until live latency is known. */
    quality: z.number().min(0).max(1),
    speed: z.number().min(0).max(1),
    /** Lower is preferred among equally good models. */
    priority: z.int().default(50),
    /** The model used when a request names only the provider; exactly one per provider. */
    default: z.boolean().default(false),
    /** Old spellings of the id accepted on input. */
    aliases: z.array(z.string().min(1)).default([]),
    /** Still served when asked for by name, never chosen automatically. */
    deprecated: z.boolean().default(false),
    released: z.iso.date().optional(),
  })
  .transform(({ upstream_model, ...model }) => ({ ...model, upstream_model: upstream_model ?? model.id }));

/** The catalog file: display data per provider, then every model. Cross-entry rules are checked too. */
export const modelCatalogSchema = z
  .strictObject({
    providers: z.partialRecord(z.enum(providerIds), providerEntry),
    models: z.array(modelEntry).min(1),
  })
  .superRefine((catalog, context) => {
    const problem = (message: string) => context.addIssue({ code: 'custom', message });
    const names = new Map<string, string>();
    for (const model of catalog.models) {
      if (!catalog.providers[model.provider])
        problem(`model ${model.id}: provider ${model.provider} is not declared`);
      for (const name of [model.id, ...model.aliases]) {
        const owner = names.get(name);
        if (owner) problem(`model name ${name} is used by both ${owner} and ${model.id}`);
        names.set(name, model.id);
      }
    }
    const providerNames = new Map<string, string>();
    for (const [id, provider] of Object.entries(catalog.providers)) {
      for (const name of [id, ...provider.aliases]) {
        const owner = providerNames.get(name);
        if (owner) problem(`provider name ${name} is used by both ${owner} and ${id}`);
        providerNames.set(name, id);
      }
      const defaults = catalog.models.filter((model) => model.provider === id && model.default);
      const hasModels = catalog.models.some((model) => model.provider === id);
      if (hasModels && defaults.length !== 1) {
        problem(`provider ${id} needs exactly one default model (has ${defaults.length})`);
      }
    }
  });

export type ModelCatalog = z.output<typeof modelCatalogSchema>;
export type ModelEntry = ModelCatalog['models'][number];
export type ProviderEntry = z.output<typeof providerEntry> & { id: ProviderId };

/**
 * Reads and validates a catalog file (the built-in one when `file` is unset); a bad file fails with one
 * message naming every problem.
 * @example const catalog = loadModelCatalog(config.MODELS_FILE);
 */
export function loadModelCatalog(file?: string): ModelCatalog {
  if (file === undefined) return parseModelCatalog(builtInCatalog, 'built-in');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Model catalog ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return parseModelCatalog(json, file);
}

/**
 * Validates a catalog already in memory.
 * @example const catalog = parseModelCatalog({ providers: { offline: { name: 'Offline' } }, models: [...] });
 */
export function parseModelCatalog(json: unknown, source = 'given'): ModelCatalog {
  const result = modelCatalogSchema.safeParse(json);
  if (!result.success)
    throw new Error(`Model catalog ${source} is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * What a reply costs at catalog prices, in integer micro-USD (money is never a float in storage).
 * @example const micro = priceMicroUsd(model, 1200, 300);
 */
export function priceMicroUsd(
  model: { pricing: { input_per_million: number; output_per_million: number } },
  inputTokens: number,
  outputTokens: number,
): number {
  return Math.round(
    inputTokens * model.pricing.input_per_million + outputTokens * model.pricing.output_per_million,
  );
}
