import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as otel from '@opentelemetry/api';
import express from 'express';
import { Passport } from 'passport';
import { MiAccountStrategy } from '../../lib';
import type { MiAccountDoneCallback, MiAccountProfile } from '../../lib';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT_ID, CLIENT_SECRET, Harness, login, startHarness } from '../helpers/mi';

const README = readFileSync(path.join(__dirname, '..', '..', 'docs', 'tracing.md'), 'utf8');

/** The first ```js block after `<!-- readme-test:NAME -->` in the README. */
function readmeBlock(name: string): string {
  const at = README.indexOf(`<!-- readme-test:${name} -->`);
  const match = /```js\n([\s\S]*?)```/.exec(README.slice(at));
  if (at < 0 || !match) throw new Error(`README has no js block marked readme-test:${name}`);
  return match[1]!;
}

/** Runs README code with a `require` whose diagnostics_channel remembers subscriptions, so the test can undo them. */
function runReadmeCode(code: string, log: (line: string) => void): () => void {
  const undo: Array<() => void> = [];
  const trackedChannels = {
    tracingChannel: (name: string) => {
      const channel = diagnosticsChannel.tracingChannel(name);
      return {
        subscribe: (handlers: Parameters<typeof channel.subscribe>[0]) => {
          channel.subscribe(handlers);
          undo.push(() => channel.unsubscribe(handlers));
        },
      };
    },
    subscribe: (name: string, handler: (message: unknown, name: string | symbol) => void) => {
      diagnosticsChannel.subscribe(name, handler);
      undo.push(() => diagnosticsChannel.unsubscribe(name, handler));
    },
  };
  const modules: Record<string, unknown> = { 'node:diagnostics_channel': trackedChannels, '@opentelemetry/api': otel };
  const fakeRequire = (id: string) => {
    if (!(id in modules)) throw new Error(`README code requires ${id}`);
    return modules[id];
  };
  new Function('require', 'console', code)(fakeRequire, { log });
  return () => undo.forEach((fn) => fn());
}

describe('README: the five-line subscriber', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ scope: ['profile', 'openid', 'phone', 'email'] });
  });
  afterAll(() => h.close());

  it('is five lines and logs the timing of every call and milestone of a login', async () => {
    const code = readmeBlock('subscriber');
    expect(code.trim().split('\n')).toHaveLength(5);
    const lines: string[] = [];
    const stop = runReadmeCode(code, (line) => lines.push(line));
    try {
      expect((await login(h.app)).final.status).toBe(200);
    } finally {
      stop();
    }
    expect(lines).toContainEqual(expect.stringMatching(/^token exchange \/oauth2\/token 200 \d+\.\d ms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^open api \/user\/profile 200 \d+\.\d ms$/));
    for (const event of ['redirect', 'callback', 'tokens', 'profile', 'success']) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^login \\d+ ${event} \\d+ ms$`)));
    }
  });
});

/** A span that records what the recipe does to it. */
class RecordedSpan implements otel.Span {
  readonly attributes: otel.Attributes = {};
  readonly events: Array<{ name: string; attributes?: otel.Attributes }> = [];
  readonly exceptions: unknown[] = [];
  status: otel.SpanStatus = { code: otel.SpanStatusCode.UNSET };
  ended = false;
  readonly #context: otel.SpanContext;

  constructor(
    public name: string,
    readonly kind: otel.SpanKind | undefined,
    readonly parent: RecordedSpan | undefined,
    attributes: otel.Attributes = {},
  ) {
    Object.assign(this.attributes, attributes);
    const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
    this.#context = { traceId: hex(32), spanId: hex(16), traceFlags: otel.TraceFlags.SAMPLED };
  }
  spanContext() {
    return this.#context;
  }
  setAttribute(key: string, value: otel.AttributeValue) {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: otel.Attributes) {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributes?: otel.Attributes | otel.TimeInput) {
    this.events.push({ name, attributes: attributes as otel.Attributes });
    return this;
  }
  addLink() {
    return this;
  }
  addLinks() {
    return this;
  }
  setStatus(status: otel.SpanStatus) {
    this.status = status;
    return this;
  }
  updateName(name: string) {
    this.name = name;
    return this;
  }
  end() {
    this.ended = true;
  }
  isRecording() {
    return true;
  }
  recordException(exception: otel.Exception) {
    this.exceptions.push(exception);
  }
}

describe('README: the OpenTelemetry recipe', () => {
  const spans: RecordedSpan[] = [];
  const storage = new AsyncLocalStorage<otel.Context>();
  let h: Harness;
  let server: Server;
  let appUrl: string;
  let stop: () => void = () => undefined;

  beforeAll(async () => {
    // A minimal SDK: a context manager on AsyncLocalStorage and a tracer that records spans.
    otel.context.setGlobalContextManager({
      active: () => storage.getStore() ?? otel.ROOT_CONTEXT,
      with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.apply(thisArg, args)),
      bind: (_ctx, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    });
    const tracer = {
      startSpan(name: string, options: otel.SpanOptions = {}, ctx = otel.context.active()) {
        const span = new RecordedSpan(name, options.kind, otel.trace.getSpan(ctx) as RecordedSpan, options.attributes);
        spans.push(span);
        return span;
      },
    } as unknown as otel.Tracer;
    otel.trace.setGlobalTracerProvider({ getTracer: () => tracer });
    stop = runReadmeCode(readmeBlock('opentelemetry'), () => undefined);

    // An app whose requests run inside a server span, as an HTTP instrumentation would do.
    const port = await import('../helpers/app').then((m) => m.freePort());
    h = await startHarness({}, {}, { redirectURIs: `http://127.0.0.1:${port}/auth` });
    const passport = new Passport();
    passport.use(
      new MiAccountStrategy(
        {
          clientID: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          callbackURL: `http://127.0.0.1:${port}/auth/mi/callback`,
          authorizationURL: h.emulator.authorizationURL,
          tokenURL: h.emulator.tokenURL,
          openApiURL: h.emulator.openApiURL,
          scope: ['profile', 'openid', 'phone', 'email'],
          state: false,
        },
        (_accessToken: string, _refreshToken: string, profile: MiAccountProfile, done: MiAccountDoneCallback) =>
          done(null, { id: profile.id }),
      ),
    );
    const app = express();
    app.use((req, _res, next) => {
      const span = tracer.startSpan(`GET ${req.path}`, { kind: otel.SpanKind.SERVER });
      otel.context.with(otel.trace.setSpan(otel.context.active(), span), next);
    });
    app.get('/auth/mi', passport.authenticate('mi-account', { session: false }));
    app.get('/auth/mi/callback', passport.authenticate('mi-account', { session: false }), (_req, res) => {
      res.json({ ok: true });
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    stop();
    otel.trace.disable();
    otel.context.disable();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('turns each call into a client span under the login’s server span, and milestones into its events', async () => {
    const { final } = await login({ ...h.app, url: appUrl });
    expect(final.status).toBe(200);
    const server = spans.find((span) => span.name === 'GET /auth/mi/callback')!;
    // Pre-connects started at the redirect are spans too (step 'preconnect'); this checks the callback's calls.
    const clients = spans.filter((span) => span.kind === otel.SpanKind.CLIENT && span.name !== 'Mi Account preconnect');
    expect(clients.map((span) => [span.name, span.attributes['url.path']]).sort()).toEqual([
      ['Mi Account open api', '/user/phoneAndEmail'],
      ['Mi Account open api', '/user/profile'],
      ['Mi Account token exchange', '/oauth2/token'],
    ]);
    for (const span of clients) {
      expect(span.parent).toBe(server);
      expect(span.ended).toBe(true);
      expect(span.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
      expect(span.status.code).toBe(otel.SpanStatusCode.UNSET);
    }
    expect(server.events.map((event) => event.name)).toEqual([
      'mi_account.login.callback',
      'mi_account.login.tokens',
      'mi_account.login.profile',
      'mi_account.login.success',
    ]);
    const start = spans.find((span) => span.name === 'GET /auth/mi')!;
    expect(start.events.map((event) => event.name)).toEqual(['mi_account.login.redirect']);
  });

  it('marks a failing call’s span as an error with Mi’s code', async () => {
    h.emulator.setFault('/user/profile', 'json500');
    try {
      spans.length = 0;
      // A Mi server fault: 502 under the http-errors convention (the app's handler answers err.status).
      expect((await login({ ...h.app, url: appUrl })).final.status).toBe(502);
    } finally {
      h.emulator.setFault('/user/profile', null);
    }
    const failed = spans.find((span) => span.attributes['url.path'] === '/user/profile')!;
    expect(failed.status.code).toBe(otel.SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ 'http.response.status_code': 500, 'mi_account.error_code': 500 });
    expect(failed.exceptions).toHaveLength(1);
    const server = spans.find((span) => span.name === 'GET /auth/mi/callback')!;
    expect(server.events.at(-1)).toMatchObject({
      name: 'mi_account.login.failure',
      attributes: { 'mi_account.error_code': 500, 'mi_account.step': 'open api' },
    });
  });
});
