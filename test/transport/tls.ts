import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { requireBinary } from './binaries';
import { loopbackSockets } from './loopback-sockets';

export interface TestCertificate {
  key: string;
  cert: string;
  keyPath: string;
  certPath: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, made by openssl in `dir` (valid two days). */
export function createTestCertificate(dir: string): TestCertificate {
  const openssl = requireBinary('openssl', 'openssl');
  const keyPath = join(dir, 'test-key.pem');
  const certPath = join(dir, 'test-cert.pem');
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), keyPath, certPath };
}

export interface TlsFront {
  /** e.g. https://localhost:41234 */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Terminates TLS on a loopback port and pipes each connection to `targetPort` (the emulator behind TLS). */
export async function startTlsFront(targetPort: number, certificate: TestCertificate): Promise<TlsFront> {
  const sockets = loopbackSockets();
  const server = createTlsServer({ key: certificate.key, cert: certificate.cert }, (client) => {
    sockets.relay(client, targetPort);
  });
  const { port, close } = await sockets.listen(server);
  return { url: `https://localhost:${port}`, port, close };
}
