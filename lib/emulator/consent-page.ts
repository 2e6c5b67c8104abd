import type { UserRecord } from './config';
import { consentText, localizedName, type ConsentText, type LocalizedName } from './consent-text';
import { FAVICON_PATH } from './favicon';
import { escapeHtml } from './http';

/**
 * Security headers of the emulator's HTML pages: no scripts, no framing (clickjacking on consent).
 *
 * @example
 * send(res, 400, 'text/html; charset=utf-8', errorPage(96001, 'unknown app'), HTML_HEADERS);
 */
export const HTML_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: http: https:; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; }
  body { margin: 0; background: #f5f5f5; color: #1f1f1f; }
  main { max-width: 28rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  h1 { font-size: 1.25rem; line-height: 1.4; margin-top: 0; }
  .brand { color: #b34400; font-weight: 700; margin: 0 0 1rem; }
  fieldset { border: 1px solid #8a8a8a; border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  label { display: flex; align-items: center; gap: .5rem; padding: .4rem 0; cursor: pointer; }
  .avatar { flex: none; width: 32px; height: 32px; border-radius: 50%; object-fit: cover; }
  .avatar-initial { display: inline-flex; align-items: center; justify-content: center; color: #fff; font-size: .875rem; line-height: 1; }
  .initial-0 { background: #b34400; } .initial-1 { background: #0b57d0; } .initial-2 { background: #1e7a3a; }
  .initial-3 { background: #6b4fbb; } .initial-4 { background: #5f6368; }
  .app-icon { display: block; width: 64px; height: 64px; border-radius: 14px; margin-bottom: .75rem; }
  input[type=radio] { width: 1.1rem; height: 1.1rem; accent-color: #b34400; }
  .actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
  button { font: inherit; font-weight: 600; padding: .6rem 1.4rem; border-radius: 8px; border: 2px solid #b34400; cursor: pointer; }
  button[value=approve] { background: #b34400; color: #fff; }
  button[value=deny] { background: #fff; color: #b34400; }
  :focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
  .note { font-size: .875rem; color: #4a4a4a; }
  code { overflow-wrap: anywhere; }
  @media (prefers-color-scheme: dark) {
    body { background: #121212; color: #eee; } main { background: #1e1e1e; }
    .brand { color: #ff9a57; } .note { color: #c4c4c4; } fieldset { border-color: #9a9a9a; }
    button[value=approve] { background: #ff9a57; border-color: #ff9a57; color: #1a1a1a; }
    button[value=deny] { background: #1e1e1e; color: #ff9a57; border-color: #ff9a57; }
    :focus-visible { outline-color: #8ab4f8; }
  }`;

function layout(text: ConsentText, title: string, body: string): string {
  return `<!doctype html>
<html lang="${text.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">${escapeHtml(text.brand)}${text.gap}<span class="note">${escapeHtml(text.emulatorNote)}</span></p>
${body}
</main>
</body>
</html>
`;
}

/** How many background colours the initial placeholder has (`.initial-0` … in the style sheet). */
const INITIAL_COLOURS = 5;

/** The user's avatar, or a same-size circle with the nickname's first letter, so that every row aligns. */
function avatarHtml(user: UserRecord): string {
  if (user.avatar) return `<img class="avatar" src="${escapeHtml(user.avatar)}" alt="" width="32" height="32">`;
  const initial = Array.from(user.nickname.trim())[0]?.toLocaleUpperCase() ?? '?';
  let hash = 0;
  for (const char of user.id) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 1_000_003;
  return `<span class="avatar avatar-initial initial-${hash % INITIAL_COLOURS}" aria-hidden="true">${escapeHtml(initial)}</span>`;
}

/**
 * What the consent page needs to show and to send back.
 *
 * @example
 * const input: ConsentPageInput = { clientID: '2882303761517383915', granted: ['1'], dropped: ['6'], users, hidden: [['state', 'xyz']], locale: 'zh_CN' };
 */
export interface ConsentPageInput {
  readonly clientID: string;
  /** The app's display name(s); the page names the App ID without one. */
  readonly appName?: LocalizedName | undefined;
  /** URL of the app's icon. */
  readonly appIcon?: string | undefined;
  /** Scope IDs that will be granted. */
  readonly granted: readonly string[];
  /** Requested scope IDs this app may not have (phone/email without the privacy review). */
  readonly dropped: readonly string[];
  readonly users: readonly UserRecord[];
  /** The authorization request's own parameters, sent back in hidden inputs. */
  readonly hidden: ReadonlyArray<readonly [string, string]>;
  /** Mi's `_locale` of the request (`zh_CN`, `en_US`…): the page's language; English when absent or unknown. */
  readonly locale?: string | undefined;
}

/**
 * The consent page: pick a test user, then Approve or Deny, in a plain form (works without scripts
 * and with the keyboard alone), in the language of the request's `_locale`.
 *
 * @example
 * send(res, 200, 'text/html; charset=utf-8', consentPage({ clientID, granted: ['1'], dropped: [], users, hidden, locale: 'zh_CN' }), HTML_HEADERS);
 */
export function consentPage(input: ConsentPageInput): string {
  const text = consentText(input.locale);
  const appName = input.appName === undefined ? undefined : localizedName(input.appName, text.lang);
  const app = appName ?? text.app(input.clientID);
  const icon = input.appIcon === undefined ? '' : `<img class="app-icon" src="${escapeHtml(input.appIcon)}" alt="">\n`;
  const heading =
    input.granted.length === 0
      ? text.signInTo(app)
      : text.allow(app, text.list(input.granted.map((id) => text.scope(id).short)));
  const scopeList =
    input.granted.length === 0
      ? `<p>${escapeHtml(text.noData)}</p>`
      : `<p id="scopes-intro">${escapeHtml(text.receives)}</p>\n<ul aria-labelledby="scopes-intro">\n${input.granted
          .map(
            (id) =>
              `<li>${escapeHtml(text.scope(id).long)}${text.gap}<span class="note">${escapeHtml(text.scopeNote(id))}</span></li>`,
          )
          .join('\n')}\n</ul>`;
  const dropped =
    input.dropped.length === 0
      ? ''
      : `<p class="note">${escapeHtml(text.notAvailable(text.list(input.dropped.map((id) => text.scope(id).long))))}</p>`;
  const users = input.users
    .map((user, index) => {
      const id = `user-${index}`;
      return `<label for="${id}"><input type="radio" id="${id}" name="user" value="${escapeHtml(user.id)}"${index === 0 ? ' checked' : ''}>${avatarHtml(user)}<span>${escapeHtml(user.nickname)}${text.gap}<span class="note">${escapeHtml(text.userNote(user.id))}</span></span></label>`;
    })
    .join('\n');
  const hidden = input.hidden
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return layout(
    text,
    `${text.signInWithMi} — ${app}`,
    `${icon}<h1>${escapeHtml(heading)}</h1>
${scopeList}
${dropped}
<form method="post" action="/oauth2/authorize">
${hidden}
<fieldset>
<legend>${escapeHtml(text.signInAs)}</legend>
${users}
</fieldset>
<div class="actions">
<button type="submit" name="decision" value="approve">${escapeHtml(text.approve)}</button>
<button type="submit" name="decision" value="deny">${escapeHtml(text.deny)}</button>
</div>
</form>`,
  );
}

// Xiaomi's names of the codes the authorization page shows itself (it redirects with the others); the
// emulator's own table, as it plays the server (not the client library's).
const ERROR_NAMES: Readonly<Record<number, string>> = {
  96001: 'OA_CLIENT_NOT_EXISTS',
  96002: 'OA_INVALID_REQUEST',
  96010: 'OA_INVALID_REDIRECT_URI',
};

/**
 * The page Mi Account shows instead of redirecting, when the client or the redirect_uri cannot be trusted,
 * in the language of the request's `_locale` (the technical detail stays English, for the developer).
 *
 * @example
 * send(res, 400, 'text/html; charset=utf-8', errorPage(96010, 'redirect_uri matches no registered redirect URI', 'zh_CN'), HTML_HEADERS);
 */
export function errorPage(code: number, detail: string, locale?: string): string {
  const text = consentText(locale);
  const name = (Object.hasOwn(ERROR_NAMES, code) ? ERROR_NAMES[code] : undefined) ?? 'ERROR';
  const meaning = (Object.hasOwn(text.errors, code) ? text.errors[code] : undefined) ?? text.errors.other;
  const end = text.lang === 'en' ? '.' : '。';
  return layout(
    text,
    text.errorTitle(code, name),
    `<h1>${escapeHtml(text.errorHeading(code, name))}</h1>
<p>${escapeHtml(meaning)}${end}</p>
<p class="note">${escapeHtml(text.detailLabel)}${escapeHtml(detail)}</p>`,
  );
}
