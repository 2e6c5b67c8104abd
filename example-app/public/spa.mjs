// The implicit-grant demo in the browser: /spa starts the sign-in, /spa/callback finishes it and calls /api/me.
// In your app: import { … } from 'passport-mi-account/browser' (bundlers pick its "browser" build).
import { buildImplicitAuthorizeUrl, parseImplicitCallback, MiImplicitGrantError } from '/static/mi-browser.mjs';

// sessionStorage is per tab and per origin: the callback must open in this tab, on this origin.
const STATE_KEY = 'mi-account-implicit-state';

const signInSection = document.getElementById('spa');
const callbackSection = document.getElementById('spa-callback');
if (signInSection) setUpSignIn(signInSection);
if (callbackSection) {
  finishSignIn().catch((err) =>
    showFailure({ reason: 'unexpected', title: 'Something went wrong', detail: messageOf(err) }),
  );
}

function setUpSignIn(section) {
  const button = document.getElementById('spa-sign-in');
  const status = document.getElementById('spa-status');
  button.addEventListener('click', () => {
    try {
      const { url, state } = buildImplicitAuthorizeUrl({
        clientID: section.dataset.clientId,
        redirectURI: `${location.origin}/spa/callback`,
        scope: ['profile', 'openid'],
        authorizationURL: section.dataset.authorizationUrl, // absent: the real Mi Account
      });
      sessionStorage.setItem(STATE_KEY, state);
      button.disabled = true;
      status.textContent = 'Taking you to Mi Account…';
      location.assign(url);
    } catch (err) {
      status.textContent = `The sign-in could not start: ${messageOf(err)}`;
    }
  });
  button.disabled = false;
}

async function finishSignIn() {
  const expectedState = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(STATE_KEY); // a state is good for one callback only
  let tokens;
  let failure;
  try {
    tokens = parseImplicitCallback(location.hash, expectedState, location.search);
  } catch (err) {
    failure = err;
  }
  // The token must not stay in the address bar, the history or a bookmark.
  history.replaceState(null, '', location.pathname);
  if (failure) return showFailure(describeCallbackError(failure));

  setText('spa-title', 'Asking the API who you are…');
  let response;
  let body;
  try {
    response = await fetch('/api/me', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: tokens.accessToken, mac_key: tokens.macKey }),
    });
    body = await response.json();
  } catch (err) {
    return showFailure({ reason: 'api', title: 'The API could not be reached', detail: messageOf(err) });
  }
  if (!response.ok) {
    return showFailure({
      reason: 'api',
      title: 'The API did not accept the token',
      detail: `HTTP ${response.status}: ${body && body.message ? body.message : 'no details'}`,
    });
  }
  showUser(body, tokens);
}

function describeCallbackError(err) {
  if (!(err instanceof MiImplicitGrantError)) {
    return { reason: 'unexpected', title: 'The sign-in did not complete', detail: messageOf(err) };
  }
  if (err.reason === 'access_denied') {
    return {
      reason: 'cancelled',
      title: 'You cancelled the sign-in',
      detail: 'Nothing was shared with this app. You can try again whenever you like.',
    };
  }
  if (err.reason === 'state_mismatch') {
    return { reason: err.reason, title: 'The sign-in could not be verified', detail: err.message };
  }
  return { reason: err.reason, title: 'The sign-in did not complete', detail: err.message };
}

function showUser(user, tokens) {
  const name = user.displayName || 'Mi Account user';
  setText('spa-title', `Signed in as ${name}`);
  document.title = `${name} · passport-mi-account example`;
  const facts = element('dl', { className: 'facts' }, [
    ...fact('Nickname', user.displayName || '(none)', 'spa-nickname'),
    ...fact('openId', user.openId || '(none)', 'spa-open-id'),
    ...fact('unionId', user.unionId || '(none)', 'spa-union-id'),
    ...fact('Granted scopes', tokens.scope.join(' ') || '(none)', 'spa-scopes'),
    ...fact('Token valid for', `${Math.round(tokens.expiresIn / 86400)} days`),
  ]);
  const json = element('pre', { id: 'spa-json' }, [JSON.stringify(user, null, 2)]);
  const note = element('p', { className: 'muted' }, [
    'The answer of POST /api/me. The token stays in this page’s memory only; reloading forgets it.',
  ]);
  document
    .getElementById('spa-result')
    .replaceChildren(
      element('div', { className: 'notice ok', id: 'spa-user' }, [
        element('p', {}, ['Mi Account vouched for the token.']),
      ]),
      facts,
      element('h2', {}, ['API response']),
      json,
      note,
    );
}

function showFailure({ reason, title, detail }) {
  setText('spa-title', title);
  const notice = element('div', { className: 'notice error', id: 'spa-error', role: 'alert' }, [
    element('p', {}, [detail]),
  ]);
  notice.dataset.reason = reason;
  document.getElementById('spa-result').replaceChildren(notice);
}

function fact(label, value, id) {
  return [element('dt', {}, [label]), element('dd', id ? { id } : {}, [value])];
}

// textContent only: nothing from the URL or the API is ever parsed as HTML.
function element(tag, properties, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'role') node.setAttribute('role', value);
    else node[name] = value;
  }
  node.append(...children);
  return node;
}

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

function messageOf(err) {
  return err && typeof err.message === 'string' ? err.message : String(err);
}
