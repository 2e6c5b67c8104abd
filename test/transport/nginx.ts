import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/app';
import { requireBinary } from './binaries';
import { startDaemon } from './processes';
import type { TestCertificate } from './tls';

export interface Nginx {
  /** e.g. https://localhost:41234 */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts Debian's nginx as a TLS-terminating reverse proxy on a free loopback port in front of `upstreamPort`,
 * with the usual forwarding headers. Everything it writes (pid, logs, temp files) stays in a temp dir.
 */
export async function startNginx(upstreamPort: number, certificate: TestCertificate): Promise<Nginx> {
  const binary = requireBinary('nginx', 'nginx');
  const dir = mkdtempSync(join(tmpdir(), 'mi-nginx-'));
  const port = await freePort();
  for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, temp));
  const config = `
daemon off;
# One process running as the test's user: no worker user switch, so the temp dir needs no extra permissions.
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  server {
    listen 127.0.0.1:${port} ssl;
    server_name localhost;
    ssl_certificate ${certificate.certPath};
    ssl_certificate_key ${certificate.keyPath};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  let daemon;
  try {
    daemon = await startDaemon(
      binary,
      ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')],
      port,
      'nginx',
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = daemon;
  return {
    url: `https://localhost:${port}`,
    port,
    stop: async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
