/**
 * A rough token count (four characters per token) for when a provider reports no usage.
 * @example const outputTokens = estimateTokens(reply);
 */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
