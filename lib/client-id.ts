// Kept so that existing imports compile; the rule lives in lib/protocol.
export { normalizeClientID } from './protocol/client-id';
