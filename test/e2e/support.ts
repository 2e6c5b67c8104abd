import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningExample } from '../../example-app/server';

export const ROOT = join(__dirname, '..', '..');

// The example app runs the built package (require('../dist')): fail with the fix, not with "Cannot find module".
// Import this module before the example app.
if (!existsSync(join(ROOT, 'dist', 'index.js')) || !existsSync(join(ROOT, 'dist', 'emulator', 'index.js'))) {
  throw new Error(
    'The e2e tests run the example app against the built package, but dist/ is missing: run npm run build first.',
  );
}

/** Debian's chromium package; a browser is never downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const HAS_BROWSER = existsSync(CHROMIUM_PATH);
/** CI sets REQUIRE_BROWSER=1 so the real-browser tests cannot silently skip. */
export const REQUIRE_BROWSER = process.env.REQUIRE_BROWSER === '1';

export const RESULTS_DIR = join(ROOT, 'test-results', 'e2e');
/** Screenshots committed for the README. */
export const README_SCREENSHOTS = {
  home: join(ROOT, 'example-app', 'screenshot-home.png'),
  profile: join(ROOT, 'example-app', 'screenshot-profile.png'),
};

/** Path of a screenshot under test-results/e2e/ (gitignored). */
export function resultPath(name: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return join(RESULTS_DIR, name);
}

export async function launchChromium(): Promise<Browser> {
  if (!HAS_BROWSER) {
    throw new Error(
      `REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} does not exist: install it with apt-get install -y chromium`,
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Launches Chromium and starts the example app (embedded emulator, port 0) together. When either fails,
 * the other is closed before the error is thrown, so a failed setup leaves nothing running.
 */
export async function launchWithExample(sessionSecret: string): Promise<{ browser: Browser; example: RunningExample }> {
  const { startExample } = await import('../../example-app/server');
  const [launched, started] = await Promise.allSettled([
    launchChromium(),
    startExample({
      port: 0,
      host: '127.0.0.1',
      env: { SESSION_SECRET: sessionSecret },
      log: () => undefined,
      warn: () => undefined,
    }),
  ]);
  if (launched.status === 'fulfilled' && started.status === 'fulfilled') {
    return { browser: launched.value, example: started.value };
  }
  await Promise.all([
    launched.status === 'fulfilled' ? launched.value.close() : undefined,
    started.status === 'fulfilled' ? started.value.close() : undefined,
  ]);
  throw launched.status === 'rejected' ? launched.reason : (started as PromiseRejectedResult).reason;
}

/**
 * A fresh browser context and page whose console errors and page errors (CSP violations, module errors) are
 * collected; the emulator's missing favicon is not the app's error.
 */
export async function openPage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 760 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
      consoleErrors.push(`${message.text()} ${message.location().url}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  return { context, page, consoleErrors };
}

/** URL predicates for page.waitForURL: the emulator's consent page, and a page of the app. */
export const onConsentPage = (url: URL): boolean => url.pathname === '/oauth2/authorize';
export const onAppPage =
  (origin: string, path: string) =>
  (url: URL): boolean =>
    url.origin === origin && url.pathname === path;

/** Sets the cookies a response sends and replays them, like a browser on one host (cookies ignore the port). */
export class CookieAgent {
  private readonly jar = new Map<string, string>();

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.jar.size > 0) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body: body ?? null,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** GETs `url` and follows redirects; returns the final response and every URL visited. */
  async follow(url: string, headers: Record<string, string> = {}): Promise<{ response: Response; hops: string[] }> {
    const hops = [url];
    let response = await this.request(url, { headers });
    while (response.status >= 300 && response.status < 400 && hops.length < 10) {
      await response.arrayBuffer();
      const next = new URL(response.headers.get('location') ?? '/', hops[hops.length - 1]).toString();
      hops.push(next);
      response = await this.request(next, { headers });
    }
    return { response, hops };
  }
}

/** What a page must never show: stack frames, file positions, server paths. */
export function serverInternals(html: string): string[] {
  const patterns = [/^\s*at \S.*\)$/m, /\.(?:js|ts):\d+:\d+/, /node_modules/, /\bError: /];
  const found = patterns.filter((pattern) => pattern.test(html)).map(String);
  if (html.includes(ROOT)) found.push(ROOT);
  return found;
}
