// A runner's user that is not root and may not use sudo: what a self-hosted runner without sudo
// gives a job, where the action cannot isolate the engine. The tests run as root (CI does), so
// they make such a user, hand it the test's directories, and start the action as it with a Node.js
// it can run. Run as someone else already, the tests are that user.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type RunnerUser = {
  uid: number;
  gid: number;
  /** A Node.js binary the user can run. */
  node: string;
  remove(): void;
};

/** Creates the user, gives it `dir` (recursively) and a Node.js inside it; null when not root. */
export function unprivilegedRunner(dir: string): RunnerUser | null {
  if (process.getuid?.() !== 0) return null;
  const name = `ad-test-runner-${randomBytes(3).toString('hex')}`;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', dir, name]);
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${name}:`))
    ?.split(':');
  const uid = Number(entry?.[2]);
  const gid = Number(entry?.[3]);
  chmodSync(dir, 0o755);
  execFileSync('chown', ['-R', `${uid}:${gid}`, dir]);
  // Linked after the chown, which would otherwise give the user the test's own Node.js.
  const bin = join(dir, 'node-bin');
  mkdirSync(bin, { recursive: true });
  const node = join(bin, 'node');
  linkSync(process.execPath, node);
  return {
    uid,
    gid,
    node,
    remove: () => execFileSync('userdel', [name]),
  };
}
