/**
 * Loaded without type-checking, which would cost about 3 s on every jest run: npm run typecheck checks this file.
 * @jest-config-loader-options {"transpileOnly": true}
 */
import type { Config } from 'jest';
import { OWN_RUN, group } from './jest.config';

// Suites that npm test leaves out, each run on its own: npm run test:load, npm run test:consumers.
const config: Config = {
  projects: Object.entries(OWN_RUN).map(([name, folder]) => group(name, folder)),
  testTimeout: 30000,
};

export default config;
