// Test-facing inspection: the request log, deliveries, runs and jobs, and the bare repositories.
import type { SimCore } from '../core.ts';
import { entryAt, readBlob, resolveCommit } from '../git/objects.ts';
import { gitText } from '../git/run-git.ts';
import { findRepo } from '../state/store.ts';

export type LoggedCommit = { sha: string; parents: string[]; author: string; message: string };

export function inspectApi(sim: SimCore) {
  return {
    get requests() {
      return sim.requests.records;
    },
    unexpectedRequests() {
      return sim.requests.unexpected();
    },
    get deliveries() {
      return sim.webhooks.deliveries;
    },
    runs(repo?: string) {
      const repoId = repo ? findRepo(sim.store, repo).id : null;
      return [...sim.store.runs.values()].filter((run) => repoId === null || run.repoId === repoId);
    },
    jobs(runId: number) {
      return [...sim.store.jobs.values()].filter((job) => job.runId === runId);
    },
    get metrics() {
      return {
        secondaryLimitViolations: sim.secondary.violations.length,
        violations: [...sim.secondary.violations],
      };
    },
    git: {
      dir: (repo: string) => findRepo(sim.store, repo).gitDir,
      /** git with GIT_DIR set to the bare repository (argument array, stdout as text). */
      run: (repo: string, args: string[]) => gitText(findRepo(sim.store, repo).gitDir, args),
      async resolve(repo: string, ref: string): Promise<string | null> {
        const gitDir = findRepo(sim.store, repo).gitDir;
        return (await resolveCommit(gitDir, `refs/heads/${ref}`)) ?? (await resolveCommit(gitDir, ref));
      },
      /** A file's contents at a ref (branch, tag or sha), or null when it does not exist. */
      async readFile(repo: string, ref: string, path: string): Promise<Buffer | null> {
        const gitDir = findRepo(sim.store, repo).gitDir;
        const sha = (await resolveCommit(gitDir, `refs/heads/${ref}`)) ?? (await resolveCommit(gitDir, ref));
        if (!sha) return null;
        const entry = await entryAt(gitDir, sha, path);
        return entry && entry.type === 'blob' ? readBlob(gitDir, entry.sha) : null;
      },
      async log(repo: string, ref: string): Promise<LoggedCommit[]> {
        const gitDir = findRepo(sim.store, repo).gitDir;
        const text = await gitText(gitDir, ['log', '--format=%H%x00%P%x00%an <%ae>%x00%B%x1e', ref]);
        return text
          .split('\x1e')
          .map((chunk) => chunk.replace(/^\n/, ''))
          .filter(Boolean)
          .map((chunk) => {
            const [sha = '', parents = '', author = '', message = ''] = chunk.split('\0');
            return { sha, parents: parents.split(' ').filter(Boolean), author, message: message.trimEnd() };
          });
      },
    },
  };
}
