'use strict';

// HTML pages of the example app: plain template strings, every dynamic value through escapeHtml().

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for element content and quoted attribute values. */
function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]);
}

/** A short, recognisable prefix of a secret: enough to see that it changed, useless to an attacker. */
function maskSecret(secret) {
  if (typeof secret !== 'string' || secret === '') return '(none)';
  return `${secret.slice(0, 6)}… (${secret.length} characters)`;
}

/** Avatars come from Mi Account: only http(s) and inline images are shown. */
function safeImageUrl(url) {
  return typeof url === 'string' && /^(?:https?:|data:image\/)/i.test(url) ? url : undefined;
}

function formatTime(epochMs) {
  if (!Number.isFinite(epochMs)) return 'unknown';
  const days = Math.round((epochMs - Date.now()) / 86_400_000);
  return `${new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')} (in about ${days} days)`;
}

const CSS = `
:root { --brand: #b34400; --ink: #1f1f1f; --muted: #545454; --bg: #f6f6f3; --card: #fff; --line: #e0e0dc; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; background: var(--bg); color: var(--ink); }
.site { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .75rem 1.5rem; background: var(--card); border-bottom: 1px solid var(--line); }
.site .home { color: var(--ink); font-weight: 700; text-decoration: none; }
.badge { font-size: .8rem; padding: .1rem .6rem; border-radius: 999px; background: #fff1e8; color: #7a2e00; border: 1px solid #f0c2a3; }
main { max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; margin-bottom: 1.25rem; }
h1 { font-size: 1.5rem; line-height: 1.3; margin: 0 0 .75rem; }
h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
p { margin: 0 0 .75rem; }
.muted { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 0; }
.facts dt { font-weight: 600; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; background: #f0f0ec; padding: .05rem .3rem; border-radius: 4px; }
.chips { display: flex; flex-wrap: wrap; gap: .4rem; list-style: none; padding: 0; margin: 0; }
.chips li { padding: .05rem .6rem; border-radius: 999px; background: #edf2fc; color: #0b3d91; border: 1px solid #c6d6f4; font-size: .875rem; }
.person { display: flex; align-items: center; gap: 1rem; margin-bottom: 1.25rem; }
.person h1 { margin: 0; }
.avatar { width: 72px; height: 72px; border-radius: 50%; flex: none; background: #ddd; }
.notice { border-left: 4px solid; border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1.25rem; }
.notice p:last-child { margin-bottom: 0; }
.notice.ok { background: #edf7ef; border-color: #1e7a3a; }
.notice.warn { background: #fff6e5; border-color: #935400; }
.notice.error { background: #fdeeee; border-color: #b3261e; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin-top: 1rem; }
.actions form { margin: 0; }
.btn { display: inline-block; font: inherit; font-weight: 600; padding: .5rem 1.1rem; border-radius: 8px; border: 2px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; }
.btn.secondary { background: #fff; color: var(--brand); }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.signin { margin: 1.25rem 0; }
.chips + p, .facts + .detail { margin-top: 1rem; }
.facts + h2, pre + p { margin-top: 1.25rem; }
.detail { font-size: .875rem; overflow-wrap: anywhere; }
pre { margin: 0; padding: .75rem 1rem; overflow-x: auto; background: #f0f0ec; border-radius: 8px; font-size: .875rem; }
.btn:disabled { opacity: .6; cursor: progress; }
footer { max-width: 44rem; margin: 0 auto 2rem; padding: 0 1rem; font-size: .875rem; color: var(--muted); }
`;

/**
 * The shared page frame. `ctx` carries the CSP nonce and what the header shows; `moduleScript` is the
 * same-origin module a page runs (only pages whose CSP allows scripts may set it).
 * @param {{ nonce: string, backendLabel?: string, signedIn?: boolean, userName?: string, moduleScript?: string }} ctx
 */
function layout(ctx, title, body) {
  const script = ctx.moduleScript ? `\n<script type="module" src="${escapeHtml(ctx.moduleScript)}"></script>` : '';
  const scriptsNote = ctx.moduleScript
    ? `This page runs one script, <code>${escapeHtml(ctx.moduleScript)}</code>, and no inline code.`
    : 'No scripts run on these pages.';
  const badge = ctx.backendLabel ? `<span class="badge">${escapeHtml(ctx.backendLabel)}</span>` : '';
  const nav = ctx.signedIn ? '<a class="home" href="/profile">Your profile</a>' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · passport-mi-account example</title>
<link rel="icon" href="data:,">
<style nonce="${escapeHtml(ctx.nonce)}">${CSS}</style>${script}
</head>
<body>
<header class="site">
<a class="home" href="/">passport-mi-account example</a>
<span>${nav} ${badge}</span>
</header>
<main>
${body}
</main>
<footer>Example app of <a href="https://www.npmjs.com/package/passport-mi-account">passport-mi-account</a>. ${scriptsNote}</footer>
</body>
</html>
`;
}

/** Home: what the app does and the localized sign-in button (`buttonHtml` is produced by miAccountButton). */
function homePage(ctx, { buttonHtml, scopes, user }) {
  const signedIn = user
    ? `<div class="notice ok"><p>You are signed in as <strong>${escapeHtml(user.profile.displayName || 'a Mi Account user')}</strong>. <a href="/profile">Open your profile</a>.</p></div>`
    : '';
  return layout(
    ctx,
    'Sign in with Mi Account',
    `${signedIn}<section class="card">
<h1>Sign in with Mi Account</h1>
<p>This app signs you in with Xiaomi's Mi Account through <code>passport-mi-account</code>. The button takes you to the Mi Account
consent page; after you approve, you come back here and see what the app received.</p>
<div class="signin">${buttonHtml}</div>
<p class="muted">The button speaks your browser's language (from <code>Accept-Language</code>), and so does the Mi Account page${
      /emulator/i.test(ctx.backendLabel || '') ? ' — on the emulator, Chinese or English' : ''
    }.</p>
</section>
<section class="card">
<h2>What the app asks for</h2>
<ul class="chips">${scopes.map((scope) => `<li>${escapeHtml(scope.name)} <span class="muted">(${escapeHtml(scope.id)})</span></li>`).join('')}</ul>
<p class="muted">Phone and email are sensitive scopes: Mi Account only grants them to apps that passed Xiaomi's privacy review.</p>
</section>
<section class="card">
<h2>Without a server session: the implicit grant</h2>
<p>Apps without a server of their own (a single-page app, a browser extension) get the token in the browser and send it
to an API that checks it with Mi Account. <a href="/spa" id="spa-link">Try the single-page app demo</a>.</p>
</section>`,
  );
}

const SPA_SCRIPT = '/static/spa.mjs';

/**
 * The implicit-grant demo: spa.mjs builds the authorization URL from the data- attributes
 * (`authorizationURL` absent: the real Mi Account) and keeps the state in sessionStorage.
 */
function spaPage(ctx, { clientID, authorizationURL }) {
  const authorizationAttr = authorizationURL ? ` data-authorization-url="${escapeHtml(authorizationURL)}"` : '';
  return layout(
    { ...ctx, moduleScript: SPA_SCRIPT },
    'Single-page app sign-in',
    `<section class="card" id="spa" data-client-id="${escapeHtml(clientID)}"${authorizationAttr}>
<h1>Single-page app sign-in (implicit grant)</h1>
<p>Here the browser does the whole sign-in: Mi Account sends the access token and its <code>mac_key</code> back in the
address's <code>#fragment</code>, which never reaches a server. The page then sends them to <code>POST /api/me</code>, which
checks them with Mi Account (<code>MiAccountTokenStrategy</code>) and answers who you are. No session cookie is used.</p>
<div class="actions"><button class="btn" type="button" id="spa-sign-in" disabled>Sign in (implicit grant)</button></div>
<p class="muted" id="spa-status" role="status"></p>
<noscript><p>This demo needs JavaScript. The <a href="/">server-side sign-in</a> works without it.</p></noscript>
</section>`,
  );
}

/** Where Mi Account returns with the tokens in the fragment; spa.mjs checks them and calls /api/me. */
function spaCallbackPage(ctx) {
  return layout(
    { ...ctx, moduleScript: SPA_SCRIPT },
    'Finishing the sign-in',
    `<section class="card" id="spa-callback">
<h1 id="spa-title">Finishing the sign-in…</h1>
<div id="spa-result" role="status"><p class="muted">Checking the answer from Mi Account.</p></div>
<noscript><p>This demo needs JavaScript. The <a href="/">server-side sign-in</a> works without it.</p></noscript>
<div class="actions"><a class="btn secondary" href="/spa">Back to the single-page app demo</a></div>
</section>`,
  );
}

/**
 * Where a refused or failed login lands (failureRedirect). A visitor who is still signed in (a callback loaded
 * again with the Back button, a second tab) is told so, so that the header's "Your profile" and the page agree.
 */
function loginFailedPage(ctx, { failure, buttonHtml }) {
  const cancelled = failure && failure.reason === 'access_denied';
  const heading = cancelled ? 'You cancelled the sign-in' : 'The sign-in did not complete';
  const detail = failure && failure.message ? `<p class="muted">Details: ${escapeHtml(failure.message)}</p>` : '';
  let explanation;
  let next;
  if (ctx.signedIn) {
    explanation = `${stillSignedIn(ctx)} ${
      cancelled
        ? 'Nothing new was shared with this app.'
        : 'This attempt changed nothing. It usually means a sign-in page was loaded again (the Back button, a reload) or the sign-in was started in another tab.'
    }`;
    next =
      '<div class="actions"><a class="btn" href="/profile">Open your profile</a> <a href="/">Back to the home page</a></div>';
  } else {
    explanation = escapeHtml(
      cancelled
        ? 'Nothing was shared with this app. You can try again whenever you like.'
        : 'No account was signed in. This usually means the login took too long, was started in another tab, or the session cookie did not come back.',
    );
    next = `<div class="signin">${buttonHtml}</div>
<p><a href="/">Back to the home page</a></p>`;
  }
  return layout(
    ctx,
    heading,
    `<section class="card" role="alert">
<h1>${escapeHtml(heading)}</h1>
<p id="failure-explanation">${explanation}</p>
${detail}
${next}
</section>`,
  );
}

/** "You are still signed in as …" (HTML) for a page that reports a failure to a signed-in visitor. */
function stillSignedIn(ctx) {
  return `You are still signed in as <strong>${escapeHtml(ctx.userName || 'a Mi Account user')}</strong>.`;
}

function fact(label, valueHtml, id) {
  return `<dt>${escapeHtml(label)}</dt><dd${id ? ` id="${escapeHtml(id)}"` : ''}>${valueHtml}</dd>`;
}

function listOrAbsent(values, absentText) {
  return values && values.length > 0
    ? values.map((value) => escapeHtml(value)).join('<br>')
    : `<span class="muted">${escapeHtml(absentText)}</span>`;
}

function refreshNotice(result) {
  if (!result) return '';
  const proof = result.oldTokenRejected
    ? `The old refresh token <code>${escapeHtml(result.oldRefreshToken)}</code> is now dead: using it again was rejected with
<strong>${escapeHtml(result.oldTokenError)}</strong>. Refresh tokens are single use — always store the new one.`
    : `Mi Account accepted the old refresh token <code>${escapeHtml(result.oldRefreshToken)}</code> a second time (not expected: refresh tokens should be single use).`;
  return `<div class="notice ok" role="status" id="refresh-result">
<p><strong>Access token refreshed.</strong> New access token <code>${escapeHtml(result.newAccessToken)}</code>, expires ${escapeHtml(formatTime(result.expiresAt))}.</p>
<p>${proof}</p>
</div>`;
}

/** The signed-in user's profile, the granted scopes and the (masked) tokens with the refresh demo. */
function profilePage(ctx, { user, scopes, csrfToken, refreshResult }) {
  const { profile } = user;
  const avatar = safeImageUrl(profile.photo);
  const name = profile.displayName || 'Mi Account user';
  const contactGranted = (ids) => ids.some((id) => profile.scopes.includes(id));
  const warnings =
    profile.warnings && profile.warnings.length > 0
      ? `<div class="notice warn"><p><strong>Some optional data could not be loaded:</strong></p><ul>${profile.warnings
          .map((w) => `<li><code>${escapeHtml(w.endpoint)}</code>: ${escapeHtml(w.message)}</li>`)
          .join('')}</ul></div>`
      : '';
  const csrf = `<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">`;
  return layout(
    { ...ctx, signedIn: true },
    `${name} — profile`,
    `${refreshNotice(refreshResult)}${warnings}<section class="card">
<div class="person">
${avatar ? `<img class="avatar" src="${escapeHtml(avatar)}" alt="" width="72" height="72">` : '<span class="avatar" aria-hidden="true"></span>'}
<div><h1 id="nickname">${escapeHtml(name)}</h1><p class="muted">Signed in with Mi Account</p></div>
</div>
<dl class="facts">
${fact('openId', `<code>${escapeHtml(profile.openId || '(none)')}</code>`, 'open-id')}
${fact('unionId', profile.unionId ? `<code>${escapeHtml(profile.unionId)}</code>` : '<span class="muted">not provided</span>', 'union-id')}
${profile.legacyUserId ? fact('Legacy userId', `<code>${escapeHtml(profile.legacyUserId)}</code>`, 'legacy-user-id') : ''}
${fact('Phone', contactGranted(['4']) ? listOrAbsent(profile.phoneNumbers, 'none on this account') : '<span class="muted">scope not granted</span>', 'phone')}
${fact('Email', contactGranted(['6']) ? listOrAbsent(profile.emails, 'none on this account') : '<span class="muted">scope not granted</span>', 'email')}
${fact('Granted scopes', `<ul class="chips" id="scopes">${scopes.map((scope) => `<li>${escapeHtml(scope.name)} <span class="muted">(${escapeHtml(scope.id)})</span></li>`).join('')}</ul>`)}
</dl>
</section>
<section class="card">
<h2>Tokens</h2>
<p class="muted">Kept in the server-side session; only short prefixes are shown here.</p>
<dl class="facts">
${fact('Access token', `<code>${escapeHtml(maskSecret(user.accessToken))}</code>`, 'access-token')}
${fact('Refresh token', `<code>${escapeHtml(maskSecret(user.refreshToken))}</code>`, 'refresh-token')}
${fact('mac_key', `<code>${escapeHtml(maskSecret(user.macKey))}</code>`)}
${fact('Expires', escapeHtml(formatTime(user.expiresAt)), 'expires-at')}
</dl>
<div class="actions">
<form method="post" action="/refresh">${csrf}<button class="btn" type="submit">Refresh the access token</button></form>
<form method="post" action="/logout">${csrf}<button class="btn secondary" type="submit">Sign out</button></form>
</div>
</section>`,
  );
}

/**
 * A friendly error page. `view` holds only display-safe fields (never a stack):
 * { status, title, summary, signedInSummary?, miCode?, miName?, hint?, step?, detail? }
 * (`signedInSummary` replaces `summary` for a visitor who is still signed in.)
 */
function errorPage(ctx, view) {
  const facts = [
    view.miCode !== undefined
      ? fact(
          'Mi Account error',
          `<code>${escapeHtml(view.miCode)}${view.miName ? ` ${escapeHtml(view.miName)}` : ''}</code>`,
          'mi-code',
        )
      : '',
    view.step ? fact('Step', escapeHtml(view.step)) : '',
    view.hint ? fact('What it means', escapeHtml(view.hint), 'mi-hint') : '',
    fact('HTTP status', escapeHtml(view.status)),
  ].join('\n');
  // Signed in (the header offers "Your profile"): the page says the sign-in still holds, never "sign in again".
  const summary = ctx.signedIn && view.signedInSummary ? view.signedInSummary : view.summary;
  const signedIn = ctx.signedIn
    ? `\n<p id="still-signed-in">${stillSignedIn(ctx)} <a href="/profile">Open your profile</a>.</p>`
    : '';
  return layout(
    ctx,
    view.title,
    `<section class="card" role="alert">
<h1>${escapeHtml(view.title)}</h1>
<p>${escapeHtml(summary)}</p>${signedIn}
<dl class="facts">
${facts}
</dl>
${view.detail ? `<p class="muted detail">Technical details: ${escapeHtml(view.detail)}</p>` : ''}
<div class="actions"><a class="btn" href="/">Back to the home page</a></div>
</section>`,
  );
}

function notFoundPage(ctx, path) {
  return layout(
    ctx,
    'Page not found',
    `<section class="card">
<h1>Page not found</h1>
<p>There is no page at <code>${escapeHtml(path)}</code>.</p>
<div class="actions"><a class="btn" href="/">Back to the home page</a></div>
</section>`,
  );
}

module.exports = {
  escapeHtml,
  maskSecret,
  layout,
  homePage,
  spaPage,
  spaCallbackPage,
  loginFailedPage,
  profilePage,
  errorPage,
  notFoundPage,
};
