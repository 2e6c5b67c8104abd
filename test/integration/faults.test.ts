import type { MiEmulatorFault } from '../../lib/emulator';
import { MiAccountError } from '../../lib';
import { CLIENT_SECRET, Harness, login, startHarness } from '../helpers/mi';

const TIMEOUT_MS = 600;
const FAULTS: Array<[string, MiEmulatorFault]> = [
  ['hang', 'hang'],
  ['html502', 'html502'],
  ['truncated', 'truncated'],
  ['reset', 'reset'],
  ['json500', 'json500'],
  ['delay 200 ms', { delayMs: 200 }],
  ['delay > timeout', { delayMs: TIMEOUT_MS + 400 }],
];
const PATHS = ['/oauth2/token', '/user/profile', '/user/phoneAndEmail'] as const;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const matrix = new Map<string, Record<string, string>>();

beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  const rows = [...matrix.entries()].map(([fault, cells]) => ({ fault, ...cells }));
  // The matrix is part of the test output on purpose: it documents how every fault ends.
  console.info(`Fault matrix (timeout ${TIMEOUT_MS} ms):\n${formatTable(rows)}`);
  expect(unhandled).toEqual([]);
});

describe.each(FAULTS)('fault %s', (name, fault) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ scope: ['profile', 'openid', 'phone', 'email'], timeout: TIMEOUT_MS });
  });
  afterAll(() => h.close());

  it.each(PATHS)(`on %s ends cleanly within the timeout, with no secret in any message`, async (path) => {
    h.app.errors.length = 0;
    h.app.verified.length = 0;
    h.emulator.setFault(path, fault);
    const started = Date.now();
    const { final } = await login(h.app);
    const elapsed = Date.now() - started;
    h.emulator.setFault(path, null);

    const delay = typeof fault === 'object' ? fault.delayMs : 0;
    const tolerable = delay > 0 && delay < TIMEOUT_MS;
    const optional = path === '/user/phoneAndEmail';
    let outcome: string;
    if (final.status === 200) {
      const { profile } = (await final.json()) as { profile: { warnings?: Array<{ code?: number; message: string }> } };
      expect(tolerable || optional).toBe(true);
      if (!tolerable) expect(profile.warnings?.[0]?.message).toMatch(/phoneAndEmail/);
      outcome = profile.warnings ? 'login, warning' : 'login';
    } else {
      expect(tolerable).toBe(false);
      expect(final.status).toBe(500);
      const [error] = h.app.errors;
      expect(error).toBeInstanceOf(MiAccountError);
      const text = [error!.message, error!.stack, String(error), JSON.stringify(error), String(error!.cause)].join(
        '\n',
      );
      expect(text).not.toContain(CLIENT_SECRET);
      for (const verified of h.app.verified) expect(text).not.toContain(verified.accessToken);
      expect(error!.message).toContain(path);
      outcome = `error: ${error!.name}${/timed out/.test(error!.message) ? ' (timeout)' : ''}`;
    }
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 2 + 1500);
    matrix.set(name, { ...(matrix.get(name) ?? {}), [path]: `${outcome}, ${elapsed} ms` });
  });
});

function formatTable(rows: Array<Record<string, string>>): string {
  const columns = ['fault', ...PATHS];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => r[c] ?? ''))),
  ].join('\n');
}
