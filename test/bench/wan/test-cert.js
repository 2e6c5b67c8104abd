// A throw-away certificate authority and server certificate, made with the openssl command at run time, so the
// network model serves real TLS without a key in the repository. The app trusts the CA through NODE_EXTRA_CA_CERTS.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function openssl(args, cwd) {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    if (err.code === 'ENOENT')
      throw new Error('the openssl command is missing: install it (apt-get install -y openssl)', { cause: err });
    throw new Error(`openssl ${args[0]} failed: ${String(err.stderr || err.message).trim()}`, { cause: err });
  }
}

/**
 * Writes ca.pem, key.pem and cert.pem (valid for the given IP addresses) into a new temporary folder.
 * Returns { dir, caFile, key, cert, remove() }: key and cert are PEM strings for tls.createServer.
 */
function createTestCertificate(ipAddresses) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-wan-cert-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=mi-wan bench CA'],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'key.pem', '-out', 'cert.csr', '-subj', '/CN=mi-wan bench host'], dir);
  const san = ipAddresses.map((ip) => `IP:${ip}`).join(',');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'cert.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '2',
    ].concat(['-extfile', 'ext.cnf', '-out', 'cert.pem']),
    dir,
  );
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

module.exports = { createTestCertificate };
