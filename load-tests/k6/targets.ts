// Shared by the k6 scripts: environment lookup and the paths each script measures side by side.

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** An environment variable given with `k6 run -e NAME=value`. */
export const env = (name: string, fallback = ''): string => __ENV[name] ?? fallback;

/** Gaia (GAIA_URL, GAIA_API_KEY), and when given the direct provider (DIRECT_URL) and Portkey (PORTKEY_URL). */
export function targets(): Target[] {
  const gaia = env('GAIA_URL');
  if (!gaia) throw new Error('set GAIA_URL (the Gaia gateway base URL) and GAIA_API_KEY');
  const providerKey = env('PROVIDER_KEY', 'sk-k6');
  const list: Target[] = [
    {
      name: 'gaia',
      url: `${gaia}/v1/chat/completions`,
      headers: { authorization: `Bearer ${env('GAIA_API_KEY')}` },
    },
  ];
  const direct = env('DIRECT_URL');
  if (direct) {
    list.push({
      name: 'direct',
      url: `${direct}/v1/chat/completions`,
      headers: { authorization: `Bearer ${providerKey}` },
    });
  }
  const portkey = env('PORTKEY_URL');
  const portkeyProvider = env('PORTKEY_PROVIDER_URL', direct ? `${direct}/v1` : '');
  if (portkey && portkeyProvider) {
    list.push({
      name: 'portkey',
      url: `${portkey}/v1/chat/completions`,
      headers: {
        authorization: `Bearer ${providerKey}`,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': portkeyProvider,
      },
    });
  }
  return list;
}
