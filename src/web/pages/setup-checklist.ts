// A repository's setup as the Repositories page shows it: the doctor's repository checks
// (src/core/doctor/repo-checks.ts) over the facts it reads — `.github/agent.yml` valid, the
// workflow on the default branch (dispatchable with a task_id input, least privilege), the
// environment — each with what was found and the fix. One check, written once, for `/agent
// doctor`, `npm run doctor` and this page (which shows their code spans as code).
import type { Check } from '../../core/doctor/checks.ts';
import { decideRepoChecks } from '../../core/doctor/repo-checks.ts';
import { readRepoFacts } from '../../flows/doctor/read-repo-facts.ts';
import { loadRepoConfig } from '../../github/load-repo-config.ts';
import type { WebDeps } from '../web-deps.ts';

export type { Check };

type Repo = { installationId: number; id: number; owner: string; name: string };

export async function setupChecklist(deps: WebDeps, repo: Repo): Promise<Check[]> {
  try {
    const reader = deps.github.forConfig(repo.installationId, repo.owner);
    const loaded = await loadRepoConfig(reader, repo.owner, repo.name);
    const facts = await readRepoFacts(deps.github, repo, loaded);
    return decideRepoChecks(facts, deps.config);
  } catch (error) {
    const status = (error as { status?: number }).status;
    return [
      {
        name: 'Configuration',
        status: 'fail',
        detail: `the setup could not be read from GitHub (${status ?? 'error'}: ${(error as Error).message?.split('\n')[0] ?? ''})`,
        fix: 'check that the App is installed on the repository with contents: read',
      },
    ];
  }
}
