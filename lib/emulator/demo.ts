import type { MiEmulatorClient, MiEmulatorLanguage, MiEmulatorUser } from './types';

function initialAvatar(initial: string, background: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120"><circle cx="60" cy="60" r="60" fill="${background}"/><text x="60" y="78" font-family="sans-serif" font-size="52" fill="#fff" text-anchor="middle">${initial}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * The demo app registered on `npm run emulator` (and used by the example app). Not a real Mi App ID.
 *
 * @example
 * await startMiAccountEmulator({ clients: [DEMO_CLIENT], users: DEMO_USERS });
 */
export const DEMO_CLIENT: Readonly<{
  /** `'2882303761517383915'`, shaped like a real App ID. */
  clientID: string;
  /** The demo App Secret; public, so never use it outside the emulator. */
  clientSecret: string;
  /** `http://localhost:3000/` and `http://127.0.0.1:3000/`, `;`-separated as on the Mi console. */
  redirectURIs: string;
  /** true: the demo app may receive phone and email. */
  sensitiveScopes: boolean;
  /** Its display name on the consent page, per page language: 'Example app', '示例应用', '範例應用程式'. */
  name: Readonly<Record<MiEmulatorLanguage, string>>;
}> = Object.freeze({
  clientID: '2882303761517383915',
  clientSecret: 'demo-secret-5Xk2Qv9LmN3pR7tW',
  redirectURIs: 'http://localhost:3000/;http://127.0.0.1:3000/',
  sensitiveScopes: true,
  name: Object.freeze({ en: 'Example app', 'zh-CN': '示例应用', 'zh-TW': '範例應用程式', 'zh-HK': '範例應用程式' }),
} satisfies MiEmulatorClient);

/**
 * Three demo users: an English name, a Chinese name, and a user of the pre-2018 era with a
 * legacy `userId` (and no phone number or avatar, to show absent data).
 *
 * @example
 * await startMiAccountEmulator({ clients: [DEMO_CLIENT], users: DEMO_USERS, autoApprove: DEMO_USERS[0]?.id });
 */
export const DEMO_USERS: readonly MiEmulatorUser[] = Object.freeze([
  Object.freeze({
    id: '1001',
    nickname: 'Alex Morgan',
    avatar: initialAvatar('A', '#b34400'),
    phone: '+1 202 555 0143',
    email: 'alex.morgan@example.com',
  }),
  Object.freeze({
    id: '1002',
    nickname: '李小米',
    avatar: initialAvatar('李', '#0b57d0'),
    phone: '+86 138 0013 8000',
    email: 'li.xiaomi@example.cn',
  }),
  Object.freeze({
    id: '1003',
    nickname: 'Sam Legacy',
    legacyUserId: '58219736',
    email: 'sam.legacy@example.org',
  }),
]);
