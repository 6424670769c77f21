// Pure: what the job log and the job summary say about the engine's isolation, and the refusal
// when the repository requires isolation this runner cannot give.
import type { Isolation } from '../isolation/engine-sandbox.ts';

export function isolationNote(isolation: Isolation): string {
  if (isolation.isolated) {
    const swept = isolation.swept;
    const sweptNote =
      swept.length === 0
        ? ''
        : ` Removed ${swept.length} engine user(s) an earlier run on this machine left behind when it was killed: ${swept.join(', ')}.`;
    return `The engine runs as ${isolation.user} (uid ${isolation.uid}), a user made for this run${isolation.via === 'sudo' ? ' with sudo' : ''}: no sudo, no groups, no capabilities. The action's process, the model key, the OIDC request token and the runner's files belong to another user and are out of its reach.${sweptNote}`;
  }
  return `The engine is not isolated: ${isolation.reason}. It runs as the action's user, and a hijacked engine could read what the job holds (the OIDC request token, the model key). Run the job as root or with passwordless sudo on Linux (GitHub-hosted runners allow it), or set engine-isolation: required in .github/agent.yml to refuse such runs.`;
}

export function isolationRequired(reason: string): string {
  return `This repository requires engine isolation (engine-isolation: required in .github/agent.yml), and this runner cannot provide it: ${reason}. The engine was not started. Run the job on a GitHub-hosted runner, or on a Linux runner where it runs as root or may use sudo without a password (with setpriv, useradd and GNU chown installed).`;
}

/** One cell of the job summary. */
export function isolationCell(isolation: Isolation): string {
  return isolation.isolated
    ? `separate user ${isolation.user} (uid ${isolation.uid}), no sudo`
    : `**not isolated**: ${isolation.reason}`;
}
