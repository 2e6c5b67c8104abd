// The floor the app's CPU per login is measured against (#24): what a developer would write by hand for the same
// login. passport-oauth2 makes the token call, then the verify callback signs /user/profile and /user/phoneAndEmail
// with the exported signMac and sends them in parallel over node:https with a keep-alive agent of the library's
// settings. No pre-connect, no tracing, no error mapping: only the three calls.
'use strict';
const https = require('node:https');
const OAuth2Strategy = require('passport-oauth2');
const { signMac, createNonce } = require('../../../dist');

// The library's keep-alive settings (lib/transport/agents.ts).
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo', timeout: 30000 };

/** A MAC-signed GET of the Open API over `agent`; resolves to the envelope's `data`. */
function openApiGet(agent, origin, path, params, clientID) {
  const query = { clientId: clientID, token: params.access_token };
  const nonce = createNonce();
  const mac = signMac({ macKey: params.mac_key, nonce, method: 'GET', host: origin.hostname, path, query });
  const headers = {
    accept: 'application/json',
    authorization: `MAC access_token="${params.access_token}", nonce="${nonce}", mac="${encodeURIComponent(mac)}"`,
  };
  const options = { hostname: origin.hostname, port: origin.port, path: `${path}?${new URLSearchParams(query)}` };
  return new Promise((resolve, reject) => {
    https
      .get({ ...options, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (envelope.result !== 'ok') reject(new Error(`${path} answered ${envelope.code}`));
          else resolve(envelope.data);
        });
      })
      .on('error', reject);
  });
}

/**
 * A passport-oauth2 strategy that fetches the profile and phone/email itself. The token call goes through
 * passport-oauth2's own client (node-oauth, Node's global https agent, keep-alive on every supported Node line).
 */
function createHandWrittenStrategy(options, verify) {
  const { openApiURL, ...oauth2Options } = options;
  const origin = new URL(openApiURL);
  const agent = new https.Agent(AGENT_OPTIONS);
  return new OAuth2Strategy(
    { ...oauth2Options, skipUserProfile: true, scope: ['1', '3', '4', '6'], scopeSeparator: ' ' },
    (accessToken, refreshToken, params, _profile, done) =>
      Promise.all([
        openApiGet(agent, origin, '/user/profile', params, options.clientID),
        openApiGet(agent, origin, '/user/phoneAndEmail', params, options.clientID),
      ]).then(([profile, contact]) => verify(params, profile, contact, done), done),
  );
}

module.exports = { createHandWrittenStrategy };
