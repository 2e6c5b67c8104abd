// The comparison the issue asks for: a strategy written the way passport-xiaomi is (passport-oauth2 subclass, every
// call through node-oauth's `_request`), doing our calls one after another: token, /user/profile, /user/phoneAndEmail.
// passport-xiaomi itself is not installed: its npm release depends on a GitHub tarball of a passport-oauth2 fork.
'use strict';
const querystring = require('node:querystring');
const OAuth2Strategy = require('passport-oauth2');
// MAC signing through the library only so the emulator accepts the signature; it costs microseconds per call.
const { signMac, createNonce } = require('../../../dist');

const PREFIX = '&&&START&&&';

class XiaomiStyleStrategy extends OAuth2Strategy {
  /** options: those of OAuth2Strategy plus openApiURL; the scope is sent space-separated, as Mi Account wants. */
  constructor(options, verify) {
    super({ ...options, scopeSeparator: ' ' }, verify);
    this.name = 'xiaomi-style';
    this._openApi = new URL(options.openApiURL);
    const oauth2 = this._oauth2;
    // Mi's token endpoint is documented as GET with a query string and answers with a prefixed JSON body.
    oauth2.getOAuthAccessToken = function (code, params, callback) {
      const query = querystring.stringify({
        ...params,
        client_id: this._clientId,
        client_secret: this._clientSecret,
        grant_type: 'authorization_code',
        code,
      });
      this._request('GET', `${this._getAccessTokenUrl()}?${query}`, null, null, null, (error, data) => {
        if (error) return callback(error);
        let results;
        try {
          results = JSON.parse(data.startsWith(PREFIX) ? data.slice(PREFIX.length) : data);
        } catch (err) {
          return callback(err);
        }
        callback(null, results.access_token, results.refresh_token, results);
      });
    };
  }

  /** One MAC-signed Open API GET through node-oauth; resolves to the envelope's `data`. */
  openApi(path, params) {
    return new Promise((resolve, reject) => {
      const query = { clientId: this._oauth2._clientId, token: params.access_token };
      const nonce = createNonce();
      const host = this._openApi.hostname;
      const mac = signMac({ macKey: params.mac_key, nonce, method: 'GET', host, path, query });
      const headers = {
        Authorization: `MAC access_token="${params.access_token}", nonce="${nonce}",mac="${encodeURIComponent(mac)}"`,
      };
      const url = `${this._openApi.origin}${path}?${querystring.stringify(query)}`;
      this._oauth2._request('GET', url, headers, null, null, (error, body) => {
        if (error) return reject(new Error(`${path} failed with HTTP ${error.statusCode}`));
        const envelope = JSON.parse(body);
        if (envelope.result !== 'ok') return reject(new Error(`${path} answered ${envelope.code}`));
        resolve(envelope.data);
      });
    });
  }

  /** The profile the sequential way: /user/profile, then /user/phoneAndEmail once it has answered. */
  async fetchProfile(params) {
    const profile = await this.openApi('/user/profile', params);
    const contact = await this.openApi('/user/phoneAndEmail', params);
    return { id: params.openId, displayName: profile.miliaoNick, email: contact.email, phone: contact.phone };
  }
}

module.exports = { XiaomiStyleStrategy };
