// The emulated server's own scope table (protocol §7): not lib/protocol's, so a wrong client table fails the tests.

/**
 * The scope IDs the emulated Mi Account knows, by name.
 *
 * @example
 * SCOPE_IDS.openid // '3'
 */
export const SCOPE_IDS = Object.freeze({
  profile: '1',
  relation: '2',
  openid: '3',
  phone: '4',
  email: '6',
  router: '1000',
  routerAdmin: '1001',
  contacts: '2000',
  calendar: '2001',
  alarms: '2002',
  smartHome: '6000',
  smartHomeDevices: '6002',
  smartHomeScenes: '6003',
  smartHomeStats: '6004',
  yellowPages: '7000',
  gallery: '11000',
  appData: '12001',
  ecg: '12005',
  fitness: '13002',
  walletPasses: '16000',
  xiaoai: '20000',
  cloudAi: '40000',
} as const);

/** Phone (4) and email (6): granted only to apps that passed Xiaomi's privacy review. */
export const SENSITIVE_SCOPE_IDS: ReadonlySet<string> = new Set([SCOPE_IDS.phone, SCOPE_IDS.email]);
