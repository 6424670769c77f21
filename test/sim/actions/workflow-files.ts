// Workflows are the YAML files under .github/workflows/ of the repository at a ref. Each file keeps
// a stable numeric id per repository, as GitHub's workflow ids do.
import type { SimCore } from '../core.ts';
import { entryAt, readBlob, readTree, resolveCommit } from '../git/objects.ts';
import { parseWorkflow, type Workflow } from '../runner/workflow.ts';
import type { WorkflowRecord } from '../state/actions-types.ts';
import { isoNow, nodeId } from '../state/ids.ts';
import type { Repo } from '../state/types.ts';

export const WORKFLOW_DIR = '.github/workflows';

export function workflowRecord(sim: SimCore, repo: Repo, path: string, name?: string): WorkflowRecord {
  for (const record of sim.store.workflows.values()) {
    if (record.repoId === repo.id && record.path === path) {
      if (name) record.name = name;
      return record;
    }
  }
  const id = sim.store.ids.next('workflow');
  const now = isoNow(sim.clock.now());
  const record: WorkflowRecord = {
    id,
    nodeId: nodeId('Workflow', id),
    repoId: repo.id,
    path,
    name: name ?? path,
    createdAt: now,
    updatedAt: now,
  };
  sim.store.workflows.set(id, record);
  return record;
}

function nameOf(text: string, path: string): string {
  try {
    return parseWorkflow(text).name ?? path;
  } catch {
    return path;
  }
}

/** The workflow files on the default branch, registered with their ids. */
export async function listWorkflows(sim: SimCore, repo: Repo): Promise<WorkflowRecord[]> {
  const head = await resolveCommit(repo.gitDir, `refs/heads/${repo.defaultBranch}`);
  if (!head) return [];
  const dir = await entryAt(repo.gitDir, head, WORKFLOW_DIR);
  if (dir?.type !== 'tree') return [];
  const records: WorkflowRecord[] = [];
  for (const item of await readTree(repo.gitDir, dir.sha, false)) {
    if (item.type !== 'blob' || !/\.ya?ml$/.test(item.path)) continue;
    const path = `${WORKFLOW_DIR}/${item.path}`;
    const text = (await readBlob(repo.gitDir, item.sha)).toString('utf8');
    records.push(workflowRecord(sim, repo, path, nameOf(text, path)));
  }
  return records;
}

/** `workflow_id` is a numeric id or a file name (`agent.yml`). */
export async function findWorkflow(
  sim: SimCore,
  repo: Repo,
  workflowId: string,
): Promise<WorkflowRecord | null> {
  if (/^\d+$/.test(workflowId)) {
    const record = sim.store.workflows.get(Number(workflowId));
    if (record && record.repoId === repo.id) return record;
    await listWorkflows(sim, repo);
    const again = sim.store.workflows.get(Number(workflowId));
    return again && again.repoId === repo.id ? again : null;
  }
  const records = await listWorkflows(sim, repo);
  const path = workflowId.includes('/') ? workflowId : `${WORKFLOW_DIR}/${workflowId}`;
  return records.find((record) => record.path === path) ?? null;
}

export async function readWorkflowAt(
  repo: Repo,
  sha: string,
  path: string,
): Promise<{ text: string; workflow: Workflow } | null> {
  const entry = await entryAt(repo.gitDir, sha, path);
  if (entry?.type !== 'blob') return null;
  const text = (await readBlob(repo.gitDir, entry.sha)).toString('utf8');
  return { text, workflow: parseWorkflow(text) };
}
