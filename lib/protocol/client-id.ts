/**
 * The App ID rule shared by the strategies, the client and the browser helper (protocol §3, §4).
 */

/**
 * Returns the App ID as the string Mi Account expects. A string is trimmed and must not be empty; a number must be a
 * positive safe integer, because Mi App IDs have 18–19 digits and a JavaScript number silently rounds them.
 *
 * @param clientID - the `clientID` option as the caller gave it
 * @param owner - who asks (`'MiAccountStrategy'`…), named in the error
 * @throws TypeError when the App ID is missing, or a number that is not exact
 *
 * @example
 * normalizeClientID('2882303761517383915', 'MiAccountClient') // '2882303761517383915'
 * normalizeClientID(2882303761517383915, 'MiAccountClient')   // throws: pass the App ID as a string
 */
export function normalizeClientID(clientID: unknown, owner: string): string {
  if (typeof clientID === 'number') {
    if (Number.isSafeInteger(clientID) && clientID > 0) return String(clientID);
    throw new TypeError(
      `${owner}: clientID ${String(clientID)} is not an exact App ID (a JavaScript number rounds integers above 2^53, and Mi App IDs have 18–19 digits): pass the App ID as a string, e.g. clientID: '2882303761517383915'`,
    );
  }
  if (typeof clientID === 'string' && clientID.trim() !== '') return clientID.trim();
  throw new TypeError(
    `${owner} requires clientID: the App ID from the Mi developer console, as a string (e.g. '2882303761517383915')`,
  );
}
