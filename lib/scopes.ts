// Kept so that existing imports compile; the rules live in lib/protocol.
export { MiScopes, SENSITIVE_SCOPES, normalizeScopes, parseGrantedScopes, type MiScopeName } from './protocol/scopes';
