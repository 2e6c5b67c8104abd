/**
 * Run by forward-proxy.test.ts in a process of its own, started with `https_proxy` and NODE_EXTRA_CA_CERTS (which
 * Node reads at start-up only): `count` calls to `url` in a row through the library's transport, their statuses
 * printed as one JSON line.
 */
import { httpRequest, parseEndpoint } from '../../lib/transport/http';

async function main(url: string, count: number): Promise<void> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await httpRequest({
      endpoint: parseEndpoint(url)!,
      method: 'GET',
      step: 'open api',
      timeoutMs: 5000,
      maxBytes: 65536,
      secrets: [],
    });
    statuses.push(response.status);
  }
  console.log(JSON.stringify(statuses));
}

if (require.main === module) void main(process.argv[2]!, Number(process.argv[3]));
