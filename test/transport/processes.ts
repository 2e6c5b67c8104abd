import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

export interface Daemon {
  /** Output of the process so far (last 8000 characters), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Spawns a server in the foreground and resolves once `port` on 127.0.0.1 accepts connections. */
export async function startDaemon(
  binary: string,
  args: string[],
  port: number,
  what: string,
  env?: Record<string, string | undefined>,
): Promise<Daemon> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  const daemon: Daemon = { output: () => output, stop: () => stopChild(child, exited) };
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${what} exited at start-up (port ${port}):\n${output}`);
      if (await Promise.race([accepts(port), spawnError])) break;
      if (Date.now() > deadline) throw new Error(`${what} did not listen on port ${port} within 5 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return daemon;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}
