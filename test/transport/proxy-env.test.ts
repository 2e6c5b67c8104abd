import { chooseAgent } from '../../lib/transport/agents';
import { parseEndpoint } from '../../lib/transport/http';
import { withProxyEnv } from '../helpers/proxy-env';

const A = 'http://127.0.0.1:7001';
const B = 'http://127.0.0.1:7002';

/** Which proxy a call to `url` goes through under `env`: 'A', 'B' or 'direct' (agents are kept per proxy). */
function route(url: string, env: Record<string, string>): 'A' | 'B' | 'direct' {
  const endpoint = parseEndpoint(url)!;
  const variable = endpoint.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const agent = (vars: Record<string, string>) => withProxyEnv(vars, () => chooseAgent(endpoint, undefined).agent);
  const chosen = agent(env);
  if (chosen === agent({})) return 'direct';
  if (chosen === agent({ [variable]: A })) return 'A';
  if (chosen === agent({ [variable]: B })) return 'B';
  throw new Error(`${url} went through an unexpected proxy`);
}

/** Which variable curl 7.88.1 reads, observed with a recording proxy (see test/no-proxy.test.ts). */
const CASES: ReadonlyArray<{ url: string; env: Record<string, string>; curl: 'A' | 'B' | 'direct' }> = [
  // http_proxy is read in lower case only (httpoxy: HTTP_PROXY can come from a request header in CGI-like set-ups).
  { url: 'http://example.com/', env: { http_proxy: A }, curl: 'A' },
  { url: 'http://example.com/', env: { HTTP_PROXY: A }, curl: 'direct' },
  { url: 'http://example.com/', env: { HTTP_PROXY: A, ALL_PROXY: B }, curl: 'B' },
  { url: 'http://example.com/', env: { http_proxy: '', ALL_PROXY: B }, curl: 'B' },
  { url: 'http://example.com/', env: { https_proxy: A }, curl: 'direct' },
  { url: 'https://example.com/', env: { HTTPS_PROXY: A }, curl: 'A' },
  { url: 'https://example.com/', env: { https_proxy: A, HTTPS_PROXY: B }, curl: 'A' },
  { url: 'https://example.com/', env: { https_proxy: '', HTTPS_PROXY: B }, curl: 'B' },
  { url: 'https://example.com/', env: { http_proxy: A }, curl: 'direct' },
  { url: 'https://example.com/', env: { all_proxy: A }, curl: 'A' },
  { url: 'https://example.com/', env: { all_proxy: '', ALL_PROXY: B }, curl: 'B' },
  { url: 'https://example.com/', env: { all_proxy: A, ALL_PROXY: B }, curl: 'A' },
  { url: 'https://example.com/', env: { HTTPS_PROXY: A, all_proxy: B }, curl: 'A' },
  { url: 'https://example.com/', env: { https_proxy: 'HTTP://127.0.0.1:7002' }, curl: 'B' },
];

describe('proxy variables, as curl 7.88 reads them', () => {
  it.each(CASES)('$url with $env goes through $curl', ({ url, env, curl }) => {
    expect(route(url, env)).toBe(curl);
  });

  it('takes a proxy without a scheme as http:// (plain text to the proxy), as curl does', () => {
    expect(route('https://example.com/', { https_proxy: '127.0.0.1:7001' })).toBe('A');
    expect(route('https://example.com/', { HTTPS_PROXY: '127.0.0.1:7002' })).toBe('B');
  });

  it('refuses a proxy scheme it cannot speak, naming the variable but not the value', () => {
    const endpoint = parseEndpoint('https://example.com/')!;
    const run = () =>
      withProxyEnv({ https_proxy: 'socks5://user:pw-Zq8@127.0.0.1:1080' }, () => chooseAgent(endpoint, undefined));
    expect(run).toThrow(/https_proxy.*socks5:/);
    expect(run).not.toThrow(/pw-Zq8|user/);
  });
});
