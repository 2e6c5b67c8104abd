/** A tiny cookie-keeping HTTP user agent for driving logins over real HTTP without a browser. */
export class UserAgent {
  private readonly cookies = new Map<string, string>();

  async get(url: string): Promise<Response> {
    const host = new URL(url).host;
    const cookie = [...this.cookies.entries()]
      .filter(([key]) => key.startsWith(`${host} `))
      .map(([key, value]) => `${key.slice(host.length + 1)}=${value}`)
      .join('; ');
    const response = await getOnce(url, cookie);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      this.cookies.set(`${host} ${pair!.slice(0, index).trim()}`, pair!.slice(index + 1).trim());
    }
    return response;
  }

  /** Follows redirects (across hosts) until a non-redirect answer; returns every hop. */
  async follow(url: string, maxHops = 10): Promise<{ final: Response; hops: string[] }> {
    const hops: string[] = [url];
    let response = await this.get(url);
    while (response.status >= 300 && response.status < 400 && hops.length <= maxHops) {
      const next = new URL(response.headers.get('location')!, hops[hops.length - 1]).toString();
      await response.arrayBuffer();
      hops.push(next);
      response = await this.get(next);
    }
    return { final: response, hops };
  }
}

/**
 * One GET; like a browser, it is sent once more when the server closed the connection before any answer.
 * fetch reuses pooled keep-alive connections across tests, and one may close as it is picked (a Chromium-style retry).
 */
async function getOnce(url: string, cookie: string): Promise<Response> {
  const send = () => fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  try {
    return await send();
  } catch (err) {
    const cause = (err as { cause?: { message?: string; socket?: unknown } }).cause;
    if (cause?.message !== 'other side closed') throw err;
    console.warn(`GET ${url}: connection closed before an answer, sent once more (${JSON.stringify(cause.socket)})`);
    return send();
  }
}
