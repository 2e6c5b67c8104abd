import { isExcludedByNoProxy } from './no-proxy';

/** A proxy named by the environment, parsed once per value. */
export interface EnvProxy {
  /** How the library talks to the proxy itself: plain TCP (`http:`) or TLS (`https:`). */
  readonly protocol: 'http:' | 'https:';
  /** Without brackets for IPv6. */
  readonly hostname: string;
  readonly port: number;
  /** `Basic …` from the user info of the URL, sent to the proxy only. */
  readonly authorization: string | undefined;
  /** `host:port` for messages: never the credentials. */
  readonly label: string;
  /** The variable it came from (`https_proxy`, `ALL_PROXY`…), for messages. */
  readonly variable: string;
  /** Identifies the proxy (credentials included) for the agents kept per proxy; never shown. */
  readonly key: string;
}

/** A proxy variable the library cannot use; the message names the variable, never its value (it may hold a password). */
export class ProxyConfigurationError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'ProxyConfigurationError';
  }
}

// curl's default proxy ports when the URL gives none: 1080 for http:// (CURL_DEFAULT_PROXY_PORT), 443 for https://.
const DEFAULT_PORTS = { 'http:': 1080, 'https:': 443 } as const;
// Read in this order, as curl does; HTTP_PROXY never (httpoxy: in CGI-like set-ups a request header can set it).
const VARIABLES = {
  'http:': ['http_proxy', 'all_proxy', 'ALL_PROXY'],
  'https:': ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'],
} as const;
// The environment is read on every call; the URL it names is parsed once per value.
let cached: { variable: string; value: string; proxy: EnvProxy } | undefined;

/** What {@link proxyFor} needs of a Mi Account URL. */
export interface ProxyTarget {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: string;
}

/**
 * The proxy a request to `target` goes through, read from the environment as curl 7.88 reads it: `http_proxy` (lower
 * case only) for http URLs, `https_proxy` then `HTTPS_PROXY` for https URLs, else `all_proxy` then `ALL_PROXY`; an
 * empty variable counts as unset; `no_proxy` then `NO_PROXY` excludes hosts ({@link isExcludedByNoProxy}).
 * `undefined` for a direct connection. Throws {@link ProxyConfigurationError} for a value it cannot use.
 */
export function proxyFor(target: ProxyTarget, env: NodeJS.ProcessEnv = process.env): EnvProxy | undefined {
  const variable = VARIABLES[target.protocol].find((name) => env[name]);
  if (!variable) return undefined;
  const noProxy = env.no_proxy || env.NO_PROXY;
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  if (noProxy && isExcludedByNoProxy(target.hostname, port, noProxy)) return undefined;
  const value = env[variable] as string;
  if (cached?.variable !== variable || cached.value !== value)
    cached = { variable, value, proxy: parse(variable, value) };
  return cached.proxy;
}

function parse(variable: string, value: string): EnvProxy {
  // No scheme means http://, as curl reads it (Node's proxy agents took the scheme of the target instead).
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProxyConfigurationError(
      `the proxy URL in the ${variable} environment variable is not a valid URL`,
      variable,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyConfigurationError(
      `the proxy in the ${variable} environment variable uses ${url.protocol}, which is not supported (http:// or https:// proxies only)`,
      variable,
    );
  }
  const protocol = url.protocol;
  // URL drops a port equal to the scheme's (80, 443), which curl's defaults do not follow: read it from the text.
  const written = /^[^:]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/.exec(text)?.[1];
  const port = written ? Number(written) : DEFAULT_PORTS[protocol];
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let authorization: string | undefined;
  try {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    if (url.username || url.password) authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } catch {
    throw new ProxyConfigurationError(
      `the user name or password in ${variable} is not valid percent-encoding`,
      variable,
    );
  }
  const label = `${url.hostname}:${port}`;
  return {
    protocol,
    hostname,
    port,
    authorization,
    label,
    variable,
    key: `${protocol}//${authorization ?? ''}@${label}`,
  };
}
