// The load driver: plays the browser over node:http from the bench's own process, never from the app's.
'use strict';
const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');

const appAgent = new http.Agent({ keepAlive: true });

function get(url, headers = {}, agent = appAgent) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

const cookiesOf = (response) => (response.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');

/**
 * One login: the authorization redirect, the (auto-approved) consent page, a pause of `consentMs` as a user would
 * take there, then the callback, timed from the request to its redirect, and the profile page. `route` is the path
 * prefix of the app's login routes. Returns callback ms.
 */
async function login(appUrl, consentMs, route = 'auth') {
  const start = await get(`${appUrl}/${route}/start`);
  if (start.status !== 302) throw new Error(`the app answered ${start.status} to /${route}/start`);
  const cookie = cookiesOf(start);
  const authorize = await get(start.headers.location, {}, false);
  if (authorize.status !== 302) throw new Error(`the consent page answered ${authorize.status}`);
  if (consentMs > 0) await sleep(consentMs);
  const t0 = process.hrtime.bigint();
  const callback = await get(authorize.headers.location, { cookie });
  const callbackMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (callback.status !== 302 || callback.headers.location !== '/me')
    throw new Error(`login failed: ${callback.status} ${callback.headers.location}`);
  const me = await get(`${appUrl}/me`, { cookie: cookiesOf(callback) || cookie });
  if (me.status !== 200) throw new Error(`the profile page answered ${me.status}`);
  return callbackMs;
}

module.exports = { login, closeDriver: () => appAgent.destroy() };
