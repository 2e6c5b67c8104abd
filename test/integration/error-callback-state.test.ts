import { MiAccountError } from '../../lib';
import { STATE_FAILURE_CAUSES } from '../../lib/state/session-state-store';
import { UserAgent } from '../helpers/browserless';
import { Harness, startHarness } from '../helpers/mi';

const ATTACKER_TEXT = 'Your account is locked. Call +1 555 0100 to unlock it';

/** Error callbacks an attacker can send a victim to: none carries a state this browser's session issued. */
const FORGED_ERROR_CALLBACKS: Array<[string, (ownState: string, otherState: string) => Record<string, string[]>]> = [
  ['refusal (96012) without a state', () => ({ error: ['96012'], error_description: [ATTACKER_TEXT] })],
  [
    'access_denied with a made-up state',
    () => ({ error: ['access_denied'], error_description: [ATTACKER_TEXT], state: ['x'] }),
  ],
  ['numeric Mi error without a state', () => ({ error: ['96007'], error_description: [ATTACKER_TEXT] })],
  [
    'non-numeric error with an empty state',
    () => ({ error: ['server_error'], error_description: [ATTACKER_TEXT], state: [''] }),
  ],
  [
    'refusal carrying a state issued to another browser',
    (_own, other) => ({ error: ['96012'], error_description: [ATTACKER_TEXT], state: [other] }),
  ],
  [
    'numeric error carrying a state issued to another browser',
    (_own, other) => ({ error: ['96010'], error_description: [ATTACKER_TEXT], state: [other] }),
  ],
  ['error given twice, no state', () => ({ error: ['96012', '96012'], error_description: [ATTACKER_TEXT] })],
  [
    'state given twice (own and forged)',
    (own) => ({ error: ['96012'], error_description: [ATTACKER_TEXT], state: [own, 'forged'] }),
  ],
];

function callbackURL(base: string, params: Record<string, string[]>): string {
  const url = new URL('/auth/mi/callback', base);
  for (const [name, values] of Object.entries(params)) for (const value of values) url.searchParams.append(name, value);
  return url.toString();
}

/** Starts a login in this agent's session (the state goes into its session) and returns the state. */
async function startLogin(h: Harness, agent: UserAgent): Promise<string> {
  const start = await agent.get(`${h.app.url}/auth/mi`);
  return new URL(start.headers.get('location')!).searchParams.get('state')!;
}

describe('error callbacks (?error=…) verify the state first', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { autoApprove: undefined });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.app.errors.length = 0;
    h.emulator.stats.reset();
  });

  it.each(FORGED_ERROR_CALLBACKS)(
    'treats a forged error callback as a state failure and shows none of its text: %s',
    async (_name, params) => {
      const victim = new UserAgent();
      const ownState = await startLogin(h, victim);
      const otherState = await startLogin(h, new UserAgent());
      const { final, hops } = await victim.follow(callbackURL(h.app.url, params(ownState, otherState)));
      expect(new URL(hops[hops.length - 1]!).pathname).toBe('/login-failed');
      const body = (await final.json()) as { messages: string[] };
      expect(body.messages).toHaveLength(1);
      expect(body.messages[0]).toContain('authorization request state.');
      expect(body.messages[0]).toContain(STATE_FAILURE_CAUSES);
      expect(body.messages[0]).not.toContain('locked');
      expect(h.app.errors).toEqual([]);
      expect(h.emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
    },
  );

  it('still reports a refusal with the verified state as a refusal, with Mi Account’s text', async () => {
    const agent = new UserAgent();
    const state = await startLogin(h, agent);
    const params = { error: ['96012'], error_description: ['user denied'], state: [state] };
    const { final } = await agent.follow(callbackURL(h.app.url, params));
    expect(((await final.json()) as { messages: string[] }).messages).toEqual(['user denied']);
    expect(h.app.errors).toEqual([]);
  });

  it('still turns another Mi error with the verified state into a MiAccountError', async () => {
    const agent = new UserAgent();
    const state = await startLogin(h, agent);
    const response = await agent.get(callbackURL(h.app.url, { error: ['96007'], state: [state] }));
    expect(response.status).toBe(500);
    expect(h.app.errors[0]).toBeInstanceOf(MiAccountError);
    expect(h.app.errors[0]).toMatchObject({ code: 96007 });
  });

  it('consumes the state: the same error callback replayed is a state failure', async () => {
    const agent = new UserAgent();
    const state = await startLogin(h, agent);
    const url = callbackURL(h.app.url, { error: ['96012'], error_description: ['user denied'], state: [state] });
    await agent.follow(url);
    const { final } = await agent.follow(url);
    expect(((await final.json()) as { messages: string[] }).messages.at(-1)).toContain('authorization request state.');
  });
});
