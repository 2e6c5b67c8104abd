import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { browserContext, libClosure, loadInSandbox, nodeOnlyUses, specifiers } from '../helpers/browser-sandbox';

const LIB = resolve(__dirname, '..', '..', 'lib');
const PROTOCOL = join(LIB, 'protocol');
const protocolFiles = readdirSync(PROTOCOL)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(PROTOCOL, name));

describe('lib/protocol is browser-safe and self-contained', () => {
  it('holds the protocol modules', () => {
    expect(protocolFiles.map((file) => file.slice(PROTOCOL.length + 1)).sort()).toEqual(
      expect.arrayContaining([
        'authorization-error.ts',
        'authorize-url.ts',
        'client-id.ts',
        'endpoints.ts',
        'error-code.ts',
        'index.ts',
        'scopes.ts',
        'token-fields.ts',
      ]),
    );
  });

  it.each(protocolFiles)('%s uses no Node built-in, no Buffer and imports only lib/protocol', (file) => {
    for (const [closureFile, source] of libClosure(file)) {
      expect({ file: closureFile, problems: nodeOnlyUses(source) }).toEqual({ file: closureFile, problems: [] });
      expect(closureFile.startsWith(`${PROTOCOL}/`)).toBe(true);
      for (const name of specifiers(source)) expect(name).toMatch(/^\.\//);
    }
  });

  it.each(protocolFiles)('%s loads in a sandbox without Node (no process, Buffer or require)', (file) => {
    const exports = loadInSandbox(file, browserContext());
    expect(Object.keys(exports).length).toBeGreaterThan(0);
  });

  it('runs its rules in that sandbox', () => {
    const protocol = loadInSandbox(join(PROTOCOL, 'index.ts'), browserContext()) as {
      normalizeScopes(input: unknown): string[];
      readAuthorizationError(error: unknown, description: unknown): { code: number | undefined; cancelled: boolean };
      readTokenFields(body: Record<string, unknown>): { ok: boolean };
      buildAuthorizeUrl(request: Record<string, unknown>): string;
    };
    expect(protocol.normalizeScopes('profile openid')).toEqual(['1', '3']);
    expect(protocol.readAuthorizationError('access_denied', undefined).cancelled).toBe(true);
    expect(protocol.readTokenFields({ access_token: 'a', mac_key: 'k', expires_in: '60' }).ok).toBe(true);
    expect(
      protocol.buildAuthorizeUrl({
        responseType: 'code',
        clientID: '1',
        redirectURI: 'https://a.example/cb',
        scope: [],
        state: 's',
      }),
    ).toBe(
      'https://account.xiaomi.com/oauth2/authorize?response_type=code&client_id=1&redirect_uri=https%3A%2F%2Fa.example%2Fcb&state=s',
    );
  });

  it('is not used by the emulator, which plays the server and keeps its own checks', () => {
    const emulatorFiles = readdirSync(join(LIB, 'emulator'))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(LIB, 'emulator', name));
    for (const file of emulatorFiles) {
      const reached = [...libClosure(file).keys()].filter((dependency) => dependency.startsWith(`${PROTOCOL}/`));
      expect({ file, reached }).toEqual({ file, reached: [] });
    }
  });
});
