import * as http from 'node:http';
import * as https from 'node:https';

export interface BrowserResponse {
  status: number;
  location: string | undefined;
  body: string;
}

/**
 * A cookie-keeping HTTP(S) user agent that trusts the test certificate (fetch cannot be given a CA): one cookie jar
 * per origin host name, like a browser (cookies ignore ports), fresh connections for every request.
 */
export class TlsBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly ca: string) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    const cookie = [...this.jar]
      .filter(([key]) => key.startsWith(`${target.hostname} `))
      .map(([key, value]) => `${key.slice(target.hostname.length + 1)}=${value}`)
      .join('; ');
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const transport = target.protocol === 'https:' ? https : http;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(
        target,
        { method: init.method ?? 'GET', headers, agent: false, ca: this.ca },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    for (const line of res.headers['set-cookie'] ?? []) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      this.jar.set(`${target.hostname} ${pair.slice(0, index).trim()}`, pair.slice(index + 1).trim());
    }
    const location = res.headers.location ? new URL(res.headers.location, target).toString() : undefined;
    return { status: res.statusCode ?? 0, location, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** GETs `url` and follows redirects (across hosts); returns the last response and every URL visited. */
  async follow(url: string): Promise<{ last: BrowserResponse; hops: string[] }> {
    const hops = [url];
    let last = await this.request(url);
    while (last.status >= 300 && last.status < 400 && last.location && hops.length < 10) {
      hops.push(last.location);
      last = await this.request(last.location);
    }
    return { last, hops };
  }
}
