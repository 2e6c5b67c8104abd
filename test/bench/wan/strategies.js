// The strategies the WAN bench compares, each configured with the same client and the two Mi hosts.
'use strict';
const OAuth2Strategy = require('passport-oauth2');
const { MiAccountStrategy } = require('../../../dist');
const { createHandWrittenStrategy } = require('./hand-written-strategy');
const { XiaomiStyleStrategy } = require('./xiaomi-style-strategy');

const ALL_PROFILE_SCOPES = ['profile', 'openid', 'phone', 'email'];

/** What each kind is called in the bench's table. */
const LABELS = {
  ours: 'passport-mi-account, all profile scopes',
  'hand-written': 'hand-written: passport-oauth2 + profile ∥ phone/email over keep-alive node:https',
  baseline: 'bare passport-oauth2, token call only',
  'xiaomi-style': 'passport-xiaomi style, sequential node-oauth calls',
};

/** The emulator flavour each kind needs: passport-oauth2 reads only plain RFC 6749 token responses. */
const EMULATOR_OPTIONS = {
  ours: {},
  'hand-written': { standardTokenResponse: true },
  baseline: { standardTokenResponse: true },
  'xiaomi-style': {},
};

/**
 * Builds the strategy of `kind` ('ours' | 'hand-written' | 'baseline' | 'xiaomi-style') for the given endpoints and client.
 * Every verify callback ends with a small user object, so the callback leg covers the same work in each app.
 */
function createStrategy(kind, { clientID, clientSecret, callbackURL, authorizationURL, tokenURL, openApiURL }) {
  const common = { clientID, clientSecret, callbackURL, authorizationURL, tokenURL, state: true };
  if (kind === 'ours') {
    return new MiAccountStrategy(
      { ...common, openApiURL, scope: ALL_PROFILE_SCOPES },
      (accessToken, refreshToken, params, profile, done) =>
        done(null, { id: profile.id, nick: profile.displayName, email: profile.emails && profile.emails[0].value }),
    );
  }
  if (kind === 'hand-written') {
    return createHandWrittenStrategy({ ...common, openApiURL }, (params, profile, contact, done) =>
      done(null, { id: params.openId, nick: profile.miliaoNick, email: contact.email }),
    );
  }
  if (kind === 'baseline') {
    return new OAuth2Strategy({ ...common, skipUserProfile: true, scope: '1' }, (accessToken, r, params, p, done) =>
      done(null, { token: accessToken.slice(0, 4) }),
    );
  }
  if (kind === 'xiaomi-style') {
    const strategy = new XiaomiStyleStrategy(
      { ...common, openApiURL, skipUserProfile: true, scope: ['1', '3', '4', '6'] },
      (accessToken, refreshToken, params, _profile, done) =>
        strategy
          .fetchProfile(params)
          .then((profile) => done(null, { id: profile.id, nick: profile.displayName, email: profile.email }), done),
    );
    return strategy;
  }
  throw new Error(`unknown strategy kind ${kind}`);
}

module.exports = { createStrategy, LABELS, EMULATOR_OPTIONS, KINDS: Object.keys(LABELS) };
