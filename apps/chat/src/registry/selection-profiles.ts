import type { ContextType } from '@gaia/contracts';
import type { Capability } from './model-catalog.js';

/** What a request may optimise for (the original's `priority` values). */
export const priorities = {
  speed: 'Fastest first token',
  quality: 'Best answers, whatever the latency',
  balanced: 'Quality and speed weighed together',
  vr: 'Streaming and a first token under 700 ms, for immersive clients',
  cost: 'Lowest price per token',
} as const;
export type Priority = keyof typeof priorities;

export const capabilityDescriptions: Record<Capability, string> = {
  chat: 'Conversational replies',
  streaming: 'Replies streamed token by token',
  tool_calling: 'Calls functions described in the request',
  vision: 'Understands images',
  code_generation: 'Writes and explains code',
  multimodal: 'Mixes text and other media in one conversation',
  long_context: 'Works with very long prompts and documents',
};

export interface ContextProfile {
  description: string;
  priority: Priority;
  /** Models slower than this to a first token (when measured) are left out if others remain. */
  maxResponseTimeMs: number;
  /** Preferred, not required: each one a model has raises its score. */
  capabilities: readonly Capability[];
}

/** The original's context table (§4.6): what each kind of conversation favours. */
export const contextProfiles: Record<ContextType, ContextProfile> = {
  greeting: {
    description: 'Short hellos',
    priority: 'speed',
    maxResponseTimeMs: 500,
    capabilities: ['chat'],
  },
  vr: {
    description: 'Dialogue inside VR/XR experiences',
    priority: 'vr',
    maxResponseTimeMs: 700,
    capabilities: ['chat', 'streaming'],
  },
  conversation: {
    description: 'General conversation',
    priority: 'balanced',
    maxResponseTimeMs: 2000,
    capabilities: ['chat', 'streaming'],
  },
  technical: {
    description: 'Code, debugging and technical questions',
    priority: 'quality',
    maxResponseTimeMs: 3000,
    capabilities: ['chat', 'tool_calling', 'code_generation'],
  },
  creative: {
    description: 'Stories, poems and design ideas',
    priority: 'quality',
    maxResponseTimeMs: 3000,
    capabilities: ['chat', 'long_context'],
  },
  emergency: {
    description: 'Urgent requests that need an answer at once',
    priority: 'speed',
    maxResponseTimeMs: 300,
    capabilities: ['chat'],
  },
  multimodal: {
    description: 'Conversations about images and media',
    priority: 'quality',
    maxResponseTimeMs: 5000,
    capabilities: ['chat', 'vision', 'multimodal'],
  },
};
