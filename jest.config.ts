/**
 * Loaded without type-checking, which would cost about 3 s on every jest run: npm run typecheck checks this file.
 * @jest-config-loader-options {"transpileOnly": true}
 */
import type { Config } from 'jest';

// A test's group is the folder it lives in. Folders with their own group below need a real browser, a packed
// package, child processes or system servers; every other file under test/ is a unit test (npm run test:unit).
const GROUPS = {
  integration: ['test/integration'], // the library in real Express apps, logging in over loopback HTTP
  e2e: ['test/e2e'], // Chromium and the example app
  package: ['test/package'], // npm pack, the built dist/ and its source maps, fresh Node processes
  transport: ['test/transport', 'test/bench'], // nginx, tinyproxy, openssl, TLS and modelled WAN delays
  'multi-instance': ['test/multi-instance'], // redis-server
} as const;

// Not part of npm test: each runs on its own (npm run test:load, npm run test:consumers; jest.standalone.config.ts).
export const OWN_RUN = { load: ['test/load'], consumers: ['test/consumers'] } as const;

type ProjectConfig = NonNullable<Config['projects']>[number] & object;

const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  testTimeout: 30000,
} satisfies ProjectConfig;

/** The project that runs every test file under its folders. */
export function group(name: string, folders: readonly string[]): ProjectConfig {
  return { ...shared, displayName: name, roots: folders.map((folder) => `<rootDir>/${folder}`) };
}

const unit: ProjectConfig = {
  ...shared,
  displayName: 'unit',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: [
    '/node_modules/',
    ...[...Object.values(GROUPS), ...Object.values(OWN_RUN)].flat().map((folder) => `<rootDir>/${folder}/`),
  ],
};

const config: Config = {
  projects: [unit, ...Object.entries(GROUPS).map(([name, folder]) => group(name, folder))],
  testTimeout: 30000,
  collectCoverageFrom: ['lib/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { global: { lines: 90 } },
};

export default config;
