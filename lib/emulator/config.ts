import { CONSENT_LANGUAGES, type ConsentLanguage, type LocalizedName } from './consent-text';
import { compileRegisteredUris, type RegisteredUris } from './redirect-match';
import type { MiEmulatorClient, MiEmulatorOptions, MiEmulatorUser } from './types';

/**
 * A registered app, with its redirect URIs parsed once.
 *
 * @example
 * config.clients.get('2882303761517383915')?.redirectUris.match(redirectUri).ok
 */
export interface ClientRecord {
  readonly id: string;
  readonly secret: string;
  readonly redirectUris: RegisteredUris;
  readonly sensitiveScopes: boolean;
  /** Shown on the consent page instead of the App ID, as Mi shows the app's name; by page language. */
  readonly name: LocalizedName | undefined;
  /** URL of the app's icon on the consent page. */
  readonly icon: string | undefined;
}

/**
 * A test user with its id as a string.
 *
 * @example
 * const user: UserRecord | undefined = config.users.get('1001');
 */
export interface UserRecord extends MiEmulatorUser {
  readonly id: string;
}

/**
 * The emulator's options, checked and with defaults applied.
 *
 * @example
 * const config: EmulatorConfig = normalizeOptions({ clients: [DEMO_CLIENT], users: DEMO_USERS });
 * config.strictMac // false
 */
export interface EmulatorConfig {
  readonly clients: ReadonlyMap<string, ClientRecord>;
  readonly users: ReadonlyMap<string, UserRecord>;
  readonly userList: readonly UserRecord[];
  readonly autoApprove: UserRecord | undefined;
  readonly latencyMs: number;
  readonly strictMac: boolean;
  readonly standardTokenResponse: boolean;
  readonly now: () => number;
  readonly codeTtlMs: number;
  readonly accessTokenTtlSeconds: number;
}

const DEFAULT_CODE_TTL_MS = 5 * 60 * 1000;
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 7776000;

function nonNegative(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`Mi Account emulator: ${name} must be a finite number ≥ 0`);
  }
  return value;
}

function optionalText(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 2048) {
    throw new TypeError(`Mi Account emulator: ${name} must be a non-empty string`);
  }
  return value.trim();
}

/** A display name, one for every language or one per page language (keys: the page languages only). */
function displayName(value: MiEmulatorClient['name'], id: string): LocalizedName | undefined {
  if (value === undefined || typeof value === 'string') {
    const name = optionalText(value, `client ${id} name`);
    return name === undefined ? undefined : { en: name };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`Mi Account emulator: client ${id} name must be a string or an object of names by language`);
  }
  const names: Partial<Record<ConsentLanguage, string>> = {};
  for (const [language, name] of Object.entries(value)) {
    const known = CONSENT_LANGUAGES.find((lang) => lang === language);
    if (known === undefined) {
      throw new TypeError(
        `Mi Account emulator: client ${id} name has the language "${language.slice(0, 20)}"; use ${CONSENT_LANGUAGES.join(', ')}`,
      );
    }
    const text = optionalText(name, `client ${id} name (${known})`);
    if (text !== undefined) names[known] = text;
  }
  if (Object.keys(names).length === 0) throw new TypeError(`Mi Account emulator: client ${id} name has no names`);
  return names;
}

/**
 * Checks the options and applies defaults; throws a TypeError naming the first problem.
 *
 * @example
 * const config = normalizeOptions({ clients: [DEMO_CLIENT], users: DEMO_USERS });
 */
export function normalizeOptions(options: MiEmulatorOptions): EmulatorConfig {
  if (!options || !Array.isArray(options.clients) || !Array.isArray(options.users)) {
    throw new TypeError('Mi Account emulator: options.clients and options.users must be arrays');
  }
  const clients = new Map<string, ClientRecord>();
  for (const client of options.clients) {
    const id = String(client.clientID ?? '').trim();
    // Real App IDs are numeric, but tests may use any readable id.
    if (!/^[\x21-\x7e]{1,200}$/.test(id))
      throw new TypeError(`Mi Account emulator: clientID "${id.slice(0, 40)}" is empty or has spaces`);
    if (clients.has(id)) throw new TypeError(`Mi Account emulator: clientID ${id} is registered twice`);
    if (typeof client.clientSecret !== 'string' || client.clientSecret === '') {
      throw new TypeError(`Mi Account emulator: client ${id} needs a non-empty clientSecret`);
    }
    clients.set(id, {
      id,
      secret: client.clientSecret,
      redirectUris: compileRegisteredUris(client.redirectURIs),
      sensitiveScopes: client.sensitiveScopes === true,
      name: displayName(client.name, id),
      icon: optionalText(client.icon, `client ${id} icon`),
    });
  }
  const users = new Map<string, UserRecord>();
  for (const user of options.users) {
    const id = String(user.id ?? '').trim();
    if (id === '') throw new TypeError('Mi Account emulator: every user needs an id');
    if (users.has(id)) throw new TypeError(`Mi Account emulator: user id ${id} is used twice`);
    if (typeof user.nickname !== 'string') throw new TypeError(`Mi Account emulator: user ${id} needs a nickname`);
    users.set(id, { ...user, id });
  }
  if (users.size === 0) throw new TypeError('Mi Account emulator: give at least one user to sign in as');
  let autoApprove: UserRecord | undefined;
  if (options.autoApprove !== undefined) {
    autoApprove = users.get(String(options.autoApprove));
    if (!autoApprove)
      throw new TypeError(`Mi Account emulator: autoApprove "${String(options.autoApprove)}" is not one of the users`);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw new TypeError('Mi Account emulator: now must be a function returning milliseconds');
  return {
    clients,
    users,
    userList: [...users.values()],
    autoApprove,
    latencyMs: nonNegative(options.latencyMs, 'latencyMs', 0),
    strictMac: options.strictMac === true,
    standardTokenResponse: options.standardTokenResponse === true,
    now,
    codeTtlMs: nonNegative(options.codeTtlMs, 'codeTtlMs', DEFAULT_CODE_TTL_MS),
    accessTokenTtlSeconds: nonNegative(
      options.accessTokenTtlSeconds,
      'accessTokenTtlSeconds',
      DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    ),
  };
}
