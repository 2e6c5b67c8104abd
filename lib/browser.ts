// Browser helper for the implicit grant (protocol §10): exports only. Web-standard APIs only: this file and
// everything it imports must run in a browser, a browser extension or a worker.
export {
  buildImplicitAuthorizeUrl,
  type ImplicitAuthorizeOptions,
  type ImplicitAuthorizeRequest,
} from './browser/authorize';
export { parseImplicitCallback, type ImplicitTokenResult } from './browser/callback';
export { MiImplicitGrantError, type MiImplicitGrantErrorReason } from './browser/implicit-grant-error';
