import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Under CI a missing binary fails the suite (the runner must install it), never skips it. */
export const REQUIRE_BINARIES = process.env.CI === 'true' || process.env.CI === '1';

/** The executable `name` on PATH or in /usr/sbin and /usr/bin (Debian's nginx lives in /usr/sbin), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `describe` when every binary is installed or under CI (where starting one that is missing fails with the fix),
 * else `describe.skip` with a warning naming the Debian packages to install.
 */
export function describeWithBinaries(packages: Record<string, string>, title: string, body: () => void): void {
  const missing = Object.keys(packages).filter((name) => !findBinary(name));
  if (missing.length === 0 || REQUIRE_BINARIES) {
    describe(title, body);
    return;
  }
  const install = `apt-get install -y ${missing.map((name) => packages[name]).join(' ')}`;
  console.warn(`${title}: SKIPPED, ${missing.join(', ')} not installed (${install}); under CI=true this fails instead`);
  describe.skip(`${title} (SKIPPED: ${install})`, body);
}

/** The binary's path, or an error telling what to install (under CI the suite runs and fails here). */
export function requireBinary(name: string, debianPackage: string): string {
  const path = findBinary(name);
  if (!path) throw new Error(`${name} is not installed: apt-get install -y ${debianPackage} (required under CI=true)`);
  return path;
}
