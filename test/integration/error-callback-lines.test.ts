import * as diagnosticsChannel from 'node:diagnostics_channel';
import { format } from 'node:util';
import createDebug from 'debug';
import { MiAccountClient, MiAccountError } from '../../lib';
import { attachDebugLog, MI_ACCOUNT_DEBUG_NAMESPACE } from '../../lib/observability/debug-log';
import {
  MI_ACCOUNT_LOGIN_CHANNEL,
  MI_ACCOUNT_REQUEST_CHANNEL,
  type MiAccountLoginEvent,
} from '../../lib/observability/trace';
import { UserAgent } from '../helpers/browserless';
import { CLIENT_ID, CLIENT_SECRET, Harness, startHarness } from '../helpers/mi';
import { startRawServer, type RawServer } from '../helpers/raw-server';

// Eight forged log lines, each after another kind of line break a terminal, a log viewer or a JSON reader honours.
const BREAKS = ['\r\n', '\n', '\r', '\u2028', '\u2029', '\u0085', '\v', '\f'];
const FORGED = BREAKS.map((lineBreak, i) => `${lineBreak}INFO forged line ${i + 1}`).join('');
// Anything that would start a new line or hide text: control and format characters, line and paragraph separators.
const LINE_BREAKING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const debugLines: string[] = [];
const milestones: MiAccountLoginEvent[] = [];
const requestChannel = diagnosticsChannel.tracingChannel(MI_ACCOUNT_REQUEST_CHANNEL);
const loginChannel = diagnosticsChannel.channel(MI_ACCOUNT_LOGIN_CHANNEL);
const onLogin = (message: unknown) => milestones.push(message as MiAccountLoginEvent);
const originalLog = createDebug.log;
let detachDebugLog: () => void = () => undefined;

beforeAll(() => {
  loginChannel.subscribe(onLogin);
  createDebug.enable(MI_ACCOUNT_DEBUG_NAMESPACE);
  // Colour codes (debug adds them on a terminal) are the log's own, not outside text: they are left out.
  createDebug.log = (...args: unknown[]) => debugLines.push(format(...args).replace(/\u001b\[[\d;]*m/g, ''));
  detachDebugLog = attachDebugLog(requestChannel, loginChannel);
});
afterAll(() => {
  loginChannel.unsubscribe(onLogin);
  detachDebugLog();
  createDebug.disable();
  createDebug.log = originalLog;
});

describe('an ?error= callback with a valid state puts its text on one line, clipped, everywhere it goes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { autoApprove: undefined });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.app.errors.length = 0;
    debugLines.length = 0;
    milestones.length = 0;
  });

  /** Starts a login in the agent's session, then sends it the error callback with that login's (valid) state. */
  async function errorCallback(params: Record<string, string>): Promise<{ final: Response; agent: UserAgent }> {
    const agent = new UserAgent();
    const start = await agent.get(`${h.app.url}/auth/mi`);
    const url = new URL('/auth/mi/callback', h.app.url);
    url.searchParams.set('state', new URL(start.headers.get('location')!).searchParams.get('state')!);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const { final } = await agent.follow(url.toString());
    return { final, agent };
  }

  function failure(): MiAccountLoginEvent {
    const found = milestones.filter((event) => event.event === 'failure');
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  it('quotes a Mi error’s description in MiAccountError.message on one line', async () => {
    await errorCallback({ error: '96007', error_description: `scope refused${FORGED}` });
    const err = h.app.errors[0] as MiAccountError;
    expect(err).toBeInstanceOf(MiAccountError);
    expect(err.message).not.toMatch(LINE_BREAKING);
    expect(err.description).not.toMatch(LINE_BREAKING);
    expect(err.message).toContain('scope refused INFO forged line 1 INFO forged line 2');
  });

  it('puts the failure on one line of the DEBUG log and in one line of the login channel’s reason', async () => {
    await errorCallback({ error: '96007', error_description: `scope refused${FORGED}` });
    expect(failure().reason).not.toMatch(LINE_BREAKING);
    const logged = debugLines.filter((line) => line.includes('forged'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/login failed/);
    expect(debugLines.filter((line) => LINE_BREAKING.test(line.trimEnd()))).toEqual([]);
  });

  it('passes a refusal’s description to failureMessage and the login channel on one line', async () => {
    const { final } = await errorCallback({ error: '96012', error_description: `user denied${FORGED}` });
    const { messages } = (await final.json()) as { messages: string[] };
    expect(messages).toHaveLength(1);
    expect(messages[0]).not.toMatch(LINE_BREAKING);
    expect(messages[0]).toMatch(/^user denied INFO forged line 1/);
    expect(failure().reason).not.toMatch(LINE_BREAKING);
  });

  it('quotes a non-numeric error name on one line', async () => {
    await errorCallback({ error: `server_error${FORGED}` });
    const err = h.app.errors[0] as MiAccountError;
    expect(err.message).not.toMatch(LINE_BREAKING);
    expect(err.message).toContain('server_error INFO forged line 1');
  });

  it('clips a long description to 300 characters, ending with an ellipsis', async () => {
    await errorCallback({ error: '96007', error_description: 'x'.repeat(5000) });
    const { description } = h.app.errors[0] as MiAccountError;
    expect(description).toHaveLength(300);
    expect(description!.endsWith('x…')).toBe(true);
  });
});

describe('a description in Mi Account’s own answer is one line in the error and the DEBUG log', () => {
  let raw: RawServer;
  let body = '';
  beforeAll(async () => {
    raw = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  afterAll(() => raw.close());
  beforeEach(() => (debugLines.length = 0));

  const client = () =>
    new MiAccountClient({
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectURI: 'http://127.0.0.1/auth/mi/callback',
      tokenURL: `${raw.url}/oauth2/token`,
      openApiURL: raw.url,
    });

  it.each([
    [
      'token endpoint',
      { error: 96013, error_description: `code used${FORGED}` },
      () => client().exchangeCode('a-code'),
    ],
    [
      'Open API',
      { result: 'error', code: 96008, description: `token expired${FORGED}` },
      () => client().call('/user/profile', { accessToken: 'token-1', macKey: 'mac-key-1' }),
    ],
  ])('quotes the %s’s description on one line, in the error and in its DEBUG line', async (_name, answer, call) => {
    body = JSON.stringify(answer);
    const err = (await call().catch((e: unknown) => e)) as MiAccountError;
    expect(err).toBeInstanceOf(MiAccountError);
    expect(err.message).not.toMatch(LINE_BREAKING);
    expect(err.message).toContain('INFO forged line 8');
    const logged = debugLines.filter((line) => line.includes('forged'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toMatch(LINE_BREAKING);
  });
});
