// proxy-from-env 2.x ships no type declarations; this is the one function the library calls.
declare module 'proxy-from-env' {
  /** The proxy URL for a URL under HTTP(S)_PROXY/ALL_PROXY/NO_PROXY (lower case first), or '' for none. */
  export function getProxyForUrl(url: string | { protocol: string; host: string; port: string }): string;
}
