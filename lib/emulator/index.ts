/**
 * `passport-mi-account/emulator`: a local, faithful Mi Account for development, tests and the example app.
 *
 * @example
 * import { startMiAccountEmulator, DEMO_CLIENT, DEMO_USERS } from 'passport-mi-account/emulator';
 * const emulator = await startMiAccountEmulator({ clients: [DEMO_CLIENT], users: DEMO_USERS });
 */
export { startMiAccountEmulator } from './server';
export { DEMO_CLIENT, DEMO_USERS } from './demo';
export type {
  MiEmulator,
  MiEmulatorClient,
  MiEmulatorFault,
  MiEmulatorLanguage,
  MiEmulatorOptions,
  MiEmulatorStats,
  MiEmulatorUser,
} from './types';
