#!/usr/bin/env node
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_CLIENT, DEMO_USERS } from './demo';
import { startMiAccountEmulator } from './server';
import type { MiEmulator } from './types';

const DEFAULT_PORT = 4000;

/**
 * Starts the demo emulator from environment variables (`MI_EMULATOR_PORT`, default 4000;
 * `MI_REDIRECT_URIS`, default the example app's URLs) and writes how to use it: its URLs, the demo
 * users, and the lines to paste to point any app (`MI_ACCOUNT_EMULATOR_HOST`) and, in the repository, the example
 * app (`MI_EMULATOR_URL`) at it with the demo app's credentials.
 *
 * @example
 * const emulator = await runEmulatorCli(process.env, (line) => process.stdout.write(line + '\n'));
 */
export async function runEmulatorCli(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<MiEmulator> {
  const portText = env.MI_EMULATOR_PORT?.trim() || String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535)
    throw new TypeError(`MI_EMULATOR_PORT must be a port number, got "${portText.slice(0, 20)}"`);
  const redirectURIs = env.MI_REDIRECT_URIS?.trim() || DEMO_CLIENT.redirectURIs;
  const emulator = await startMiAccountEmulator({
    port,
    clients: [{ ...DEMO_CLIENT, redirectURIs }],
    users: DEMO_USERS,
  });
  print(`Mi Account emulator listening on ${emulator.url}`);
  print(`  authorization: ${emulator.authorizationURL}`);
  print(`  token:         ${emulator.tokenURL}`);
  print(`  Open API:      ${emulator.openApiURL}`);
  print(`  redirect URIs: ${redirectURIs}`);
  print(`  users:         ${DEMO_USERS.map((user) => `${String(user.id)} ${user.nickname}`).join(', ')}`);
  print(`  demo app:      App ID ${DEMO_CLIENT.clientID} (${DEMO_CLIENT.name.en})`);
  // MI_CLIENT_ID and MI_CLIENT_SECRET alone send an app to the real Mi Account: every line names the emulator too.
  const credentials = `MI_CLIENT_ID=${DEMO_CLIENT.clientID} MI_CLIENT_SECRET=${DEMO_CLIENT.clientSecret}`;
  print('');
  // The example app ships in the repository, not in the package: an installed copy (npx) has none to point at.
  if (existsSync(path.join(__dirname, '..', '..', 'example-app', 'server.js'))) {
    print('Point the example app at this emulator (run in this project):');
    print(`MI_EMULATOR_URL=${emulator.url} ${credentials} npm start`);
  }
  print('Point any app using passport-mi-account at it (set in its environment):');
  print(`MI_ACCOUNT_EMULATOR_HOST=${new URL(emulator.url).host} ${credentials}`);
  return emulator;
}

function main(): void {
  // The CLI is the one place that talks to the terminal.
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  runEmulatorCli(process.env, print).then(
    (emulator) => {
      const stop = (): void => {
        void emulator.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      process.stderr.write(
        `Mi Account emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}

if (require.main === module) main();
