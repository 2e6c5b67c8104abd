import { Harness, login, startHarness } from '../helpers/mi';

/** Starts a login in the agent's session and returns the state the app stored for it. */
async function freshState(h: Harness, agent: Awaited<ReturnType<typeof login>>['agent']): Promise<string> {
  const start = await agent.get(`${h.app.url}/auth/mi`);
  return new URL(start.headers.get('location')!).searchParams.get('state')!;
}

describe('a code Mi Account refuses as used or expired (96013)', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('ends a callback loaded twice in the failureRedirect, not in the error handler', async () => {
    h = await startHarness();
    const { hops, agent } = await login(h.app);
    const usedCode = new URL(hops[2]!).searchParams.get('code')!;
    const state = await freshState(h, agent);
    const response = await agent.get(`${h.app.url}/auth/mi/callback?code=${usedCode}&state=${state}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login-failed');
    expect(h.app.errors).toEqual([]);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(2);
  });

  it('gives failureMessage a message that names the Mi code and what to do', async () => {
    h = await startHarness();
    const { hops, agent } = await login(h.app);
    const state = await freshState(h, agent);
    await agent.get(`${h.app.url}/auth/mi/callback?code=${new URL(hops[2]!).searchParams.get('code')}&state=${state}`);
    const failed = (await (await agent.get(`${h.app.url}/login-failed`)).json()) as { messages: string[] };
    expect(failed.messages).toHaveLength(1);
    expect(failed.messages[0]).toMatch(/96013 OA_INVALID_CODE/);
    expect(failed.messages[0]).toMatch(/Start the login again\.$/);
  });

  it('ends an expired code the same way', async () => {
    h = await startHarness({}, { autoApprove: undefined, codeTtlMs: 1 });
    const { agent } = await login(h.app);
    const authorize = new URL((await agent.get(`${h.app.url}/auth/mi`)).headers.get('location')!);
    const form = new URLSearchParams(authorize.searchParams);
    form.set('user', '1001');
    form.set('decision', 'approve');
    const consent = await fetch(`${authorize.origin}${authorize.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const response = await agent.get(consent.headers.get('location')!);
    expect(response.headers.get('location')).toBe('/login-failed');
    expect(h.app.errors).toEqual([]);
    expect(h.emulator.stats.requests['/oauth2/token']).toBe(1);
  });

  it('answers 400 with the message when the route has no failureRedirect', async () => {
    h = await startHarness();
    const { hops, agent } = await login(h.app);
    const state = await freshState(h, agent);
    const code = new URL(hops[2]!).searchParams.get('code');
    const response = await agent.get(`${h.app.url}/auth/mi/callback-bare?code=${code}&state=${state}`);
    expect(response.status).toBe(400);
    expect(h.app.errors).toEqual([]);
  });
});
