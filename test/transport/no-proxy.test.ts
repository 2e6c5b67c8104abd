import { chooseAgent } from '../../lib/transport/agents';
import { parseEndpoint } from '../../lib/transport/http';
import { withProxyEnv } from '../helpers/proxy-env';

const PROXY = 'http://127.0.0.1:9';

/** 'proxy' when a call to `url` goes through the proxy under `env`, 'direct' when it takes the library's own agent. */
function route(url: string, env: Record<string, string>): 'proxy' | 'direct' {
  const endpoint = parseEndpoint(url)!;
  const direct = withProxyEnv({}, () => chooseAgent(endpoint, undefined).agent);
  return withProxyEnv(env, () => chooseAgent(endpoint, undefined).agent) === direct ? 'direct' : 'proxy';
}

/**
 * NO_PROXY cases with what curl 7.88.1 (Debian 12) does, observed with `curl --resolve` against a recording proxy.
 * Where curl ignores an entry that names the host (an IPv6 address in another spelling or in brackets, a CIDR
 * prefix curl 7.88 compares as text, a port suffix, `*.`, `*` in a list, `/0`), the library honours it: a host
 * curl sends direct is always sent direct, and a listed host never reaches the proxy.
 */
const CASES: ReadonlyArray<{ url: string; noProxy: string; curl: 'proxy' | 'direct'; ours?: 'direct' }> = [
  { url: 'https://example.com/', noProxy: 'example.com', curl: 'direct' },
  { url: 'https://a.example.com/', noProxy: 'example.com', curl: 'direct' },
  { url: 'https://a.b.example.com/', noProxy: 'example.com', curl: 'direct' },
  { url: 'https://badexample.com/', noProxy: 'example.com', curl: 'proxy' },
  { url: 'https://example.org/', noProxy: 'example.com', curl: 'proxy' },
  { url: 'https://example.com/', noProxy: 'a.example.com', curl: 'proxy' },
  { url: 'https://a.example.com/', noProxy: '.example.com', curl: 'direct' },
  { url: 'https://example.com/', noProxy: '.example.com', curl: 'direct' },
  { url: 'https://EXAMPLE.com/', noProxy: 'Example.COM', curl: 'direct' },
  { url: 'https://example.com./', noProxy: 'example.com', curl: 'direct' },
  { url: 'https://example.com/', noProxy: 'example.com.', curl: 'direct' },
  { url: 'https://example.com/', noProxy: 'com', curl: 'direct' },
  { url: 'https://example.com/', noProxy: '*', curl: 'direct' },
  { url: 'https://example.com/', noProxy: 'foo  example.com', curl: 'direct' },
  { url: 'https://example.com/', noProxy: 'foo ,, example.com,', curl: 'direct' },
  { url: 'https://example.com/', noProxy: '\texample.com\t', curl: 'direct' },
  { url: 'https://example.com/', noProxy: 'example.net, foo', curl: 'proxy' },
  { url: 'http://127.0.0.1:8080/', noProxy: '127.0.0.1', curl: 'direct' },
  { url: 'http://127.0.0.1/', noProxy: '127.0.0.0/8', curl: 'direct' },
  { url: 'http://127.0.0.1/', noProxy: '127.0.0.1/32', curl: 'direct' },
  { url: 'http://10.1.2.3/', noProxy: '10.0.0.0/8', curl: 'direct' },
  { url: 'http://127.0.0.1/', noProxy: '10.0.0.0/8', curl: 'proxy' },
  { url: 'http://127.0.0.1/', noProxy: '127.0.0.1/33', curl: 'proxy' },
  { url: 'http://127.0.0.1/', noProxy: 'localhost', curl: 'proxy' },
  { url: 'http://localhost/', noProxy: '127.0.0.1', curl: 'proxy' },
  { url: 'http://127.0.0.1/', noProxy: '127.0.0', curl: 'proxy' },
  { url: 'http://127.0.0.1/', noProxy: '.0.0.1', curl: 'proxy' },
  { url: 'http://[::1]/', noProxy: '::1', curl: 'direct' },
  { url: 'http://[::1]/', noProxy: '::2', curl: 'proxy' },
  { url: 'http://[::1]/', noProxy: '127.0.0.1', curl: 'proxy' },
  { url: 'http://[::ffff:127.0.0.1]/', noProxy: '127.0.0.1', curl: 'proxy' },
  { url: 'http://[::ffff:127.0.0.1]/', noProxy: '::ffff:127.0.0.1', curl: 'direct' },
  { url: 'http://[fd00::1]/', noProxy: 'fc00::/8', curl: 'proxy' },
  { url: 'https://example.com:8443/', noProxy: 'example.com:443', curl: 'proxy' },
  // curl 7.88 compares IPv6 as text (curl issues #5745, #19828); its documented CIDR rule is followed here.
  { url: 'http://[::1]/', noProxy: '::1/128', curl: 'proxy', ours: 'direct' },
  { url: 'http://[::1]/', noProxy: '::/64', curl: 'proxy', ours: 'direct' },
  { url: 'http://[::1]/', noProxy: '0:0:0:0:0:0:0:1', curl: 'proxy', ours: 'direct' },
  { url: 'http://[fc00::1]/', noProxy: 'fc00::/7', curl: 'proxy', ours: 'direct' },
  { url: 'http://[::1]/', noProxy: '[::1]', curl: 'proxy', ours: 'direct' },
  // Entries curl ignores although they name the host: honoured, never sent to the proxy.
  { url: 'https://example.com/', noProxy: 'example.com:443', curl: 'proxy', ours: 'direct' },
  { url: 'http://127.0.0.1:8080/', noProxy: '127.0.0.1:8080', curl: 'proxy', ours: 'direct' },
  { url: 'https://a.example.com/', noProxy: '*.example.com', curl: 'proxy', ours: 'direct' },
  { url: 'https://example.com/', noProxy: 'foo, *', curl: 'proxy', ours: 'direct' },
  { url: 'http://127.0.0.1/', noProxy: '10.0.0.0/0', curl: 'proxy', ours: 'direct' },
];

describe('NO_PROXY, case by case against curl 7.88', () => {
  it.each(CASES)('$url with NO_PROXY=$noProxy (curl 7.88: $curl)', ({ url, noProxy, curl, ours }) => {
    const variable = url.startsWith('https:') ? 'https_proxy' : 'http_proxy';
    expect(route(url, { [variable]: PROXY, NO_PROXY: noProxy })).toBe(ours ?? curl);
  });

  it('reads no_proxy before NO_PROXY, as curl; an empty value counts as unset', () => {
    const url = 'https://example.com/';
    expect(route(url, { https_proxy: PROXY, no_proxy: 'other.example', NO_PROXY: 'example.com' })).toBe('proxy');
    expect(route(url, { https_proxy: PROXY, no_proxy: '', NO_PROXY: 'example.com' })).toBe('direct');
    expect(route(url, { https_proxy: PROXY, no_proxy: 'example.com', NO_PROXY: '' })).toBe('direct');
  });

  it('reads NO_PROXY again on every call, as curl reads it per transfer', () => {
    const url = 'https://example.com/';
    expect(route(url, { https_proxy: PROXY, NO_PROXY: 'example.org' })).toBe('proxy');
    expect(route(url, { https_proxy: PROXY, NO_PROXY: 'example.com' })).toBe('direct');
    expect(route(url, { https_proxy: PROXY, NO_PROXY: 'example.org' })).toBe('proxy');
  });
});
