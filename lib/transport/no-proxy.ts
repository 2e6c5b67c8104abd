import { BlockList, isIP } from 'node:net';

/** One NO_PROXY entry, parsed. */
type Rule =
  | { kind: 'all' }
  | { kind: 'name'; name: string; port: number | undefined }
  | { kind: 'ip'; family: 'ipv4' | 'ipv6'; list: BlockList; port: number | undefined };

// NO_PROXY rarely changes while a process runs: the last value parsed is kept (it is read on every call).
let cached: { value: string; rules: Rule[] } | undefined;

/**
 * Whether `NO_PROXY` (its value `noProxy`) sends a request for `hostname` (a URL's hostname, IPv6 in brackets) on
 * `port` direct, by curl's rules (lib/noproxy.c, 7.88): entries separated by commas and blanks; `*` matches every
 * host; a name matches itself and its subdomains (`example.com` matches `a.example.com`, not `badexample.com`),
 * ignoring case, a leading dot and a trailing dot on either side; an IPv4 or IPv6 entry matches IP literal hosts of
 * its family, with an optional CIDR prefix (`10.0.0.0/8`, `::1/128`). Beyond curl, entries curl ignores though they
 * name the host are honoured, so that no listed host ever reaches the proxy: IPv6 compared as addresses (curl 7.88
 * compares text) and in brackets, a port suffix (`host:8080`, that port only), a leading `*.`, `*` inside a list,
 * and a `/0` prefix (curl compares the whole address instead).
 */
export function isExcludedByNoProxy(hostname: string, port: number, noProxy: string): boolean {
  if (cached?.value !== noProxy) cached = { value: noProxy, rules: parse(noProxy) };
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const family = isIP(host);
  const name = family === 0 ? host.replace(/\.$/, '') : host;
  return cached.rules.some((rule) => {
    if (rule.kind === 'all') return true;
    if (rule.port !== undefined && rule.port !== port) return false;
    if (rule.kind === 'name') return family === 0 && (name === rule.name || name.endsWith(`.${rule.name}`));
    return family === (rule.family === 'ipv4' ? 4 : 6) && rule.list.check(host, rule.family);
  });
}

function parse(value: string): Rule[] {
  const rules: Rule[] = [];
  for (const entry of value.split(/[\s,]+/)) {
    if (entry === '*') rules.push({ kind: 'all' });
    else if (entry) {
      const rule = parseEntry(entry);
      if (rule) rules.push(rule);
    }
  }
  return rules;
}

function parseEntry(entry: string): Rule | undefined {
  // A port follows a name, an IPv4 address or a bracketed IPv6 one; `::1` and `fe80::1` have none.
  const withPort = /^(\[[^\]]*\](?:\/\d+)?|[^:]+):(\d+)$/.exec(entry);
  const port = withPort ? Number(withPort[2]) : undefined;
  const [address = '', prefix] = (withPort?.[1] ?? entry).replace(/^\[([^\]]*)\]/, '$1').split('/', 2);
  const family = isIP(address);
  if (family === 0) {
    const name = address
      .toLowerCase()
      .replace(/\.$/, '')
      .replace(/^\*?\./, '');
    return name && prefix === undefined ? { kind: 'name', name, port } : undefined;
  }
  const max = family === 4 ? 32 : 128;
  const bits = prefix === undefined || prefix === '' ? max : /^\d+$/.test(prefix) ? Number(prefix) : -1;
  if (bits < 0 || bits > max) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(address, bits, type);
  return { kind: 'ip', family: type, list, port };
}
