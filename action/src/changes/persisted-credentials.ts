// Credentials an earlier step left in the checkout's git configuration, found BEFORE the engine
// starts. The checkout is handed to the engine, so whatever its .git/config holds the engine can
// read: actions/checkout with `persist-credentials` (its default) writes the job's token there as
// an `http.<url>.extraheader` (v4, v5) or into a file it includes (v6); a step may also have put a
// token in a remote URL. The action refuses to run the engine on such a checkout instead of
// handing the token over: isolation keeps the engine from the action's process, not from the
// files it is given. Values are never printed, only the names of the settings.
import { ActionError } from '../action-error.ts';
import { git } from './hardened-git.ts';

/** userinfo with a password (`user:secret@`), or a user part that is itself a GitHub token. */
const URL_WITH_SECRET =
  /[a-z][a-z0-9+.-]*:\/\/(?:[^/@\s:]*:[^/@\s]+|(?:gh[opsur]_|github_pat_)[^/@\s]*|x-access-token)@/i;

/** A setting's name with any URL userinfo in it (`url.<base>.insteadOf`) shown as `***`. */
function masked(name: string): string {
  return name.replace(/(:\/\/)[^/@\s]+@/g, '$1***@');
}

/** Pure: the settings of `git config --list --null` output that hold a credential. */
export function credentialSettings(listing: string): string[] {
  const found = new Set<string>();
  for (const entry of listing.split('\0')) {
    if (entry === '') continue;
    const newline = entry.indexOf('\n');
    const name = newline < 0 ? entry : entry.slice(0, newline);
    const value = newline < 0 ? '' : entry.slice(newline + 1);
    const lower = name.toLowerCase();
    const header = /^http\.(?:.*\.)?extraheader$/.test(lower) && value.trim() !== '';
    if (header || URL_WITH_SECRET.test(name) || URL_WITH_SECRET.test(value)) found.add(masked(name));
  }
  return [...found];
}

/** Throws when the checkout's repository configuration (its includes followed) keeps a credential. */
export async function refusePersistedCredentials(
  workTree: string,
  env: Record<string, string>,
): Promise<void> {
  const listing = (
    await git(['config', '--local', '--includes', '--null', '--list'], { cwd: workTree, env })
  ).toString('utf8');
  const settings = credentialSettings(listing);
  if (settings.length === 0) return;
  throw new ActionError(
    'checkout-credentials',
    `The checkout keeps a credential in its git configuration (${settings.slice(0, 5).join(', ')}), which the engine could read from the checkout it is given. The engine was not started. Set \`persist-credentials: false\` on actions/checkout, as workflows-templates/agent.yml does, and put no token in a remote URL.`,
  );
}
