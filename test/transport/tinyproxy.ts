import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/app';
import { requireBinary } from './binaries';
import { startDaemon } from './processes';

export interface Tinyproxy {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The request lines tinyproxy handled, e.g. `GET http://127.0.0.1:1234/oauth2/token?…` or `CONNECT localhost:443`. */
  requests(): string[];
  /** Tinyproxy's whole log so far: a line per connection (`Connect …`) and per request (`Request …`). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts Debian's tinyproxy in the foreground on a free loopback port, with its config and log in a temp dir. */
export async function startTinyproxy(): Promise<Tinyproxy> {
  const binary = requireBinary('tinyproxy', 'tinyproxy');
  const dir = mkdtempSync(join(tmpdir(), 'mi-tinyproxy-'));
  const port = await freePort();
  const log = join(dir, 'tinyproxy.log');
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Allow 127.0.0.1',
      'Timeout 30',
      'MaxClients 200',
      `LogFile "${log}"`,
      'LogLevel Connect',
      `PidFile "${join(dir, 'tinyproxy.pid')}"`,
      '',
    ].join('\n'),
  );
  let daemon;
  try {
    daemon = await startDaemon(binary, ['-d', '-c', join(dir, 'tinyproxy.conf')], port, 'tinyproxy');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = daemon;
  const read = () => {
    try {
      return readFileSync(log, 'utf8');
    } catch {
      return ''; // nothing logged yet
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...read().matchAll(/Request \(file descriptor \d+\): (\S+ \S+)/g)].map((match) => match[1]!),
    log: read,
    stop: async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
