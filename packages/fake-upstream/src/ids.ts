const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random identifier in the style of the provider APIs: `prefix` plus `length` letters and digits.
 * Not for secrets: `Math.random` is used because a crypto call per id costs more than the whole request.
 * @example randomId('chatcmpl-', 29) // 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT'
 */
export function randomId(prefix: string, length: number): string {
  let id = prefix;
  for (let index = 0; index < length; index += 1) {
    id += ALPHANUMERIC[Math.floor(Math.random() * ALPHANUMERIC.length)]!;
  }
  return id;
}
