import { MI_ERROR_CODES } from '../errors/errors';
import type { UserRecord } from './config';
import { escapeHtml } from './http';
import { scopeWords } from './scope-grant';

/**
 * Security headers of the emulator's HTML pages: no scripts, no framing (clickjacking on consent).
 *
 * @example
 * send(res, 400, 'text/html; charset=utf-8', errorPage(96001, 'unknown app'), HTML_HEADERS);
 */
export const HTML_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; frame-ancestors 'none'",
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
  label img { width: 32px; height: 32px; border-radius: 50%; }
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

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">Mi Account <span class="note">(local emulator)</span></p>
${body}
</main>
</body>
</html>
`;
}

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/**
 * What the consent page needs to show and to send back.
 *
 * @example
 * const input: ConsentPageInput = { clientID: '2882303761517383915', granted: ['1'], dropped: ['6'], users, hidden: [['state', 'xyz']] };
 */
export interface ConsentPageInput {
  readonly clientID: string;
  /** The app's display name; the page names the App ID without one. */
  readonly appName?: string;
  /** URL of the app's icon. */
  readonly appIcon?: string;
  /** Scope IDs that will be granted. */
  readonly granted: readonly string[];
  /** Requested scope IDs this app may not have (phone/email without the privacy review). */
  readonly dropped: readonly string[];
  readonly users: readonly UserRecord[];
  /** The authorization request's own parameters, sent back in hidden inputs. */
  readonly hidden: ReadonlyArray<readonly [string, string]>;
}

/**
 * The consent page: pick a test user, then Approve or Deny, in a plain form (works without scripts
 * and with the keyboard alone).
 *
 * @example
 * send(res, 200, 'text/html; charset=utf-8', consentPage({ clientID, granted: ['1'], dropped: [], users, hidden }), HTML_HEADERS);
 */
export function consentPage(input: ConsentPageInput): string {
  const app = input.appName === undefined ? `app ${escapeHtml(input.clientID)}` : escapeHtml(input.appName);
  const icon = input.appIcon === undefined ? '' : `<img class="app-icon" src="${escapeHtml(input.appIcon)}" alt="">\n`;
  const heading =
    input.granted.length === 0
      ? `Sign in to ${app} with your Mi Account`
      : `Allow ${app} to access your ${escapeHtml(listInWords(input.granted.map((id) => scopeWords(id).short)))}?`;
  const scopeList =
    input.granted.length === 0
      ? '<p>The app asks for no data beyond signing you in.</p>'
      : `<p id="scopes-intro">The app will receive:</p>\n<ul aria-labelledby="scopes-intro">\n${input.granted
          .map(
            (id) => `<li>${escapeHtml(scopeWords(id).long)} <span class="note">(scope ${escapeHtml(id)})</span></li>`,
          )
          .join('\n')}\n</ul>`;
  const dropped =
    input.dropped.length === 0
      ? ''
      : `<p class="note">Not available to this app (no privacy review): ${escapeHtml(listInWords(input.dropped.map((id) => scopeWords(id).long)))}.</p>`;
  const users = input.users
    .map((user, index) => {
      const id = `user-${index}`;
      const avatar = user.avatar ? `<img src="${escapeHtml(user.avatar)}" alt="">` : '';
      return `<label for="${id}"><input type="radio" id="${id}" name="user" value="${escapeHtml(user.id)}"${index === 0 ? ' checked' : ''}>${avatar}<span>${escapeHtml(user.nickname)} <span class="note">(user ${escapeHtml(user.id)})</span></span></label>`;
    })
    .join('\n');
  const hidden = input.hidden
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return layout(
    `Sign in with Mi Account — ${input.appName ?? `app ${input.clientID}`}`,
    `${icon}<h1>${heading}</h1>
${scopeList}
${dropped}
<form method="post" action="/oauth2/authorize">
${hidden}
<fieldset>
<legend>Sign in as</legend>
${users}
</fieldset>
<div class="actions">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}

/**
 * The page Mi Account shows instead of redirecting, when the client or the redirect_uri cannot be trusted.
 *
 * @example
 * send(res, 400, 'text/html; charset=utf-8', errorPage(96010, 'redirect_uri matches no registered redirect URI'), HTML_HEADERS);
 */
export function errorPage(code: number, detail: string): string {
  const info = MI_ERROR_CODES[code];
  const name = info?.name ?? 'ERROR';
  return layout(
    `Mi Account error ${code} ${name}`,
    `<h1>Error ${code} ${escapeHtml(name)}</h1>
<p>${escapeHtml(info?.hint ?? 'the request could not be handled')}.</p>
<p class="note">${escapeHtml(detail)}</p>`,
  );
}
