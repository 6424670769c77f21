// What the doctor reads about a repository: its configuration (through the config loader), the
// workflow file on the default branch, the environment. Reads only.
import { parse } from 'yaml';
import type { RepoFacts } from '../../core/doctor/repo-checks.ts';
import type { LoadedRepoConfig } from '../../github/load-repo-config.ts';
import type { GitHubClients, Octokit } from '../../github/octokit.ts';

export type RepoRef = { installationId: number; id: number; owner: string; name: string };

function reason(error: unknown): string {
  const status = (error as { status?: number }).status;
  return `${status ?? 'error'} ${(error as Error).message?.split('\n')[0] ?? ''}`.trim();
}

async function readFile(octokit: Octokit, repo: RepoRef, path: string): Promise<RepoFacts['workflow']> {
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: repo.owner,
      repo: repo.name,
      path,
      mediaType: { format: 'raw' },
    });
    const raw = data as unknown;
    const text = typeof raw === 'string' ? raw : Buffer.from(raw as ArrayBuffer).toString('utf8');
    try {
      return { value: { parsed: parse(text) } };
    } catch (error) {
      return { value: { error: (error as Error).message.split('\n')[0] ?? 'unreadable' } };
    }
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { value: null };
    return { error: reason(error) };
  }
}

async function environmentExists(
  octokit: Octokit,
  repo: RepoRef,
  name: string,
): Promise<RepoFacts['environment']> {
  try {
    await octokit.request('GET /repos/{owner}/{repo}/environments/{environment_name}', {
      owner: repo.owner,
      repo: repo.name,
      environment_name: name,
    });
    return { value: true };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { value: false };
    return { error: reason(error) };
  }
}

export async function readRepoFacts(
  github: GitHubClients,
  repo: RepoRef,
  loaded: LoadedRepoConfig,
): Promise<RepoFacts> {
  const fullName = `${repo.owner}/${repo.name}`;
  if (!loaded.ok) {
    return {
      fullName,
      installed: true,
      config: loaded,
      workflow: { value: null },
      environment: { value: false },
    };
  }
  const { workflow, environment } = loaded.config;
  const octokit = github.forRepo(repo.installationId, repo.id, 'doctor');
  const [file, exists] = await Promise.all([
    readFile(octokit, repo, `.github/workflows/${workflow}`),
    environmentExists(octokit, repo, environment),
  ]);
  const engines = loaded.config.engines ?? [loaded.config.engine];
  return {
    fullName,
    installed: true,
    config: { ok: true, workflow, environment, engines },
    workflow: file,
    environment: exists,
  };
}
