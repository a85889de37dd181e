import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

/** A real supabase-js client against the fake, without storage or background refresh. */
export function supabaseClient(url: string, headers: Record<string, string> = {}): SupabaseClient {
  return createClient(url, 'anon-key', {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers },
  });
}

export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}
