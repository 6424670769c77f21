// `uses: actions/checkout@<any>`, done the way the action does it (init, fetch the one commit
// at the requested depth, check out a local branch), from the simulator's bare repository.
// With `persist-credentials` (the action's default) and a token, the token is written into
// .git/config as the action writes it, so tests can see why the option matters; with
// `persist-credentials: false` nothing is written.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const HONOURED = ['ref', 'path', 'fetch-depth', 'persist-credentials', 'repository', 'token'];

export type CheckoutDetails = {
  sha: string;
  ref: string;
  path: string;
  fetchDepth: number;
  persistCredentials: boolean;
  credentialsWritten: boolean;
  /** `with:` options the simulated checkout accepted but did not act on. */
  ignoredOptions: string[];
};

export type CheckoutOptions = {
  bareRepoPath: string;
  sha: string;
  ref: string;
  workspace: string;
  with: Record<string, string>;
  repository?: string;
  serverUrl?: string;
  token?: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  log: (line: string) => void;
};

export class CheckoutError extends Error {}

function extraHeaderKey(serverUrl: string): string {
  return `http.${serverUrl.replace(/\/+$/, '')}/.extraheader`;
}

async function git(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env, signal, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new CheckoutError(`git ${args.join(' ')} failed: ${(failure.stderr ?? failure.message).trim()}`);
  }
}

async function resolveRef(options: CheckoutOptions, ref: string): Promise<{ sha: string; ref: string }> {
  const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`, ref];
  for (const candidate of candidates) {
    try {
      const sha = await git(
        ['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`],
        options.bareRepoPath,
        options.env,
      );
      // A commit sha checks out detached, with no ref.
      return { sha, ref: candidate.startsWith('refs/') ? candidate : '' };
    } catch {
      // try the next form
    }
  }
  throw new CheckoutError(`A branch or tag with the name '${ref}' could not be found`);
}

export async function checkout(options: CheckoutOptions): Promise<CheckoutDetails> {
  const inputs = options.with;
  if (
    inputs.repository &&
    options.repository &&
    inputs.repository.toLowerCase() !== options.repository.toLowerCase()
  ) {
    throw new CheckoutError(
      `The simulated runner can check out only ${options.repository}, not ${inputs.repository}`,
    );
  }
  const target = path.resolve(options.workspace, inputs.path ?? '.');
  if (target !== options.workspace && !target.startsWith(`${options.workspace}${path.sep}`)) {
    throw new CheckoutError(`Repository path '${target}' is not under '${options.workspace}'`);
  }
  const depthText = inputs['fetch-depth'] ?? '1';
  const fetchDepth = Number(depthText);
  if (!Number.isInteger(fetchDepth) || fetchDepth < 0)
    throw new CheckoutError(`Invalid fetch-depth '${depthText}'`);
  const persistCredentials = (inputs['persist-credentials'] ?? 'true').toLowerCase() !== 'false';
  const wanted = inputs.ref ? await resolveRef(options, inputs.ref) : { sha: options.sha, ref: options.ref };

  mkdirSync(target, { recursive: true });
  const env = options.env;
  options.log(`Syncing repository: ${options.repository ?? options.bareRepoPath}`);
  await git(['init', '-q', target], target, env, options.signal);
  await git(['remote', 'add', 'origin', `file://${options.bareRepoPath}`], target, env, options.signal);
  const branch = wanted.ref.startsWith('refs/heads/') ? wanted.ref.slice('refs/heads/'.length) : undefined;
  const tag = wanted.ref.startsWith('refs/tags/') ? wanted.ref : undefined;
  const destination = branch ? `refs/remotes/origin/${branch}` : (tag ?? 'refs/remotes/origin/HEAD');
  const fetch = ['-c', 'protocol.version=2', 'fetch', '--no-tags', '--prune', '--no-recurse-submodules'];
  if (fetchDepth > 0) fetch.push(`--depth=${fetchDepth}`);
  options.log(`Fetching the repository (depth ${fetchDepth === 0 ? 'all' : fetchDepth})`);
  await git([...fetch, 'origin', `+${wanted.sha}:${destination}`], target, env, options.signal);
  if (branch)
    await git(['checkout', '-q', '--force', '-B', branch, destination], target, env, options.signal);
  else await git(['checkout', '-q', '--force', '--detach', wanted.sha], target, env, options.signal);

  let credentialsWritten = false;
  if (persistCredentials && options.token) {
    const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
    await git(
      [
        'config',
        '--local',
        extraHeaderKey(options.serverUrl ?? 'https://github.com'),
        `AUTHORIZATION: basic ${basic}`,
      ],
      target,
      env,
    );
    credentialsWritten = true;
  }
  const ignoredOptions = Object.keys(inputs).filter((key) => !HONOURED.includes(key));
  const sha = await git(['rev-parse', 'HEAD'], target, env);
  options.log(
    `Checked out ${wanted.ref || sha} at ${sha}${credentialsWritten ? ' (credentials persisted in .git/config)' : ''}`,
  );
  if (ignoredOptions.length > 0)
    options.log(`Not acted on by the simulated checkout: ${ignoredOptions.join(', ')}`);
  return {
    sha,
    ref: wanted.ref,
    path: target,
    fetchDepth,
    persistCredentials,
    credentialsWritten,
    ignoredOptions,
  };
}

/** The action's post step: removes the persisted credential. */
export async function removeCheckoutCredentials(
  details: CheckoutDetails,
  serverUrl: string,
  env: Record<string, string>,
) {
  if (!details.credentialsWritten) return;
  await git(['config', '--local', '--unset-all', extraHeaderKey(serverUrl)], details.path, env);
}
