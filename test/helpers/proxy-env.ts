/** Every variable the library reads to pick a proxy, in both cases. */
export const PROXY_VARIABLES = [
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'all_proxy',
  'ALL_PROXY',
  'no_proxy',
  'NO_PROXY',
] as const;

/** Runs `body` with exactly `env` as the proxy variables of the process, restoring them afterwards. */
export function withProxyEnv<T>(env: Record<string, string>, body: () => T): T {
  const restore = clearProxyEnv();
  Object.assign(process.env, env);
  try {
    return body();
  } finally {
    restore();
  }
}

/** Unsets every proxy variable; the returned function puts them back as they were. */
export function clearProxyEnv(): () => void {
  const saved = PROXY_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of PROXY_VARIABLES) Reflect.deleteProperty(process.env, name);
  return () => {
    for (const name of PROXY_VARIABLES) Reflect.deleteProperty(process.env, name);
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  };
}
