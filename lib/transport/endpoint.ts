/** A Mi Account URL parsed once, so that each request only appends its query. */
export interface Endpoint {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly host: string;
  readonly port: string;
  readonly pathname: string;
  /** The query already on the configured URL, without `?` (kept in front of the request's own). */
  readonly search: string;
}

/** Parses an absolute http(s) URL into an {@link Endpoint}; `undefined` when it is not one. */
export function parseEndpoint(value: string): Endpoint | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    host: url.host,
    port: url.port,
    pathname: url.pathname,
    search: url.search.slice(1),
  };
}

/** The hostname as sockets take it (IPv6 without brackets). */
export function socketHost(endpoint: Endpoint): string {
  return endpoint.hostname.replace(/^\[|\]$/g, '');
}

/** The port a connection to `endpoint` goes to: the URL's, else the protocol's default. */
export function socketPort(endpoint: Endpoint): string | number {
  return endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80);
}
