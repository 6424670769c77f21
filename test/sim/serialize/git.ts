// Git objects in GitHub's shapes: `git-commit`, `commit` (with stats and files), refs, tree items.
import type { SimCore } from '../core.ts';
import type { CommitData, TreeItem } from '../git/objects.ts';
import { gitText } from '../git/run-git.ts';
import { nodeId } from '../state/ids.ts';
import type { Repo } from '../state/types.ts';
import { repoApi, repoHtml } from './urls.ts';

export function base64Lines(data: Buffer): string {
  const text = data.toString('base64');
  return text.replace(/(.{60})/g, '$1\n') + (text.length % 60 === 0 && text.length > 0 ? '' : '\n');
}

export function verification(core: SimCore, commit: CommitData) {
  const signed = core.store.signedCommits.has(commit.sha);
  return {
    verified: signed,
    reason: signed ? 'valid' : 'unsigned',
    signature: signed ? '-----BEGIN PGP SIGNATURE-----\n\nsimulator\n-----END PGP SIGNATURE-----\n' : null,
    payload: signed ? commit.payload : null,
    verified_at: signed ? commit.committer.date : null,
  };
}

export function gitCommitJson(core: SimCore, repo: Repo, commit: CommitData) {
  const api = repoApi(core, repo);
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', Number.parseInt(commit.sha.slice(0, 8), 16)),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${repoHtml(core, repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message.replace(/\n$/, ''),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${repoHtml(core, repo)}/commit/${sha}`,
    })),
    verification: verification(core, commit),
  };
}

export function treeItemJson(core: SimCore, repo: Repo, item: TreeItem) {
  const api = repoApi(core, repo);
  const kind = item.type === 'tree' ? 'trees' : item.type === 'blob' ? 'blobs' : 'commits';
  return {
    path: item.path,
    mode: item.mode,
    type: item.type,
    sha: item.sha,
    ...(item.size === undefined ? {} : { size: item.size }),
    url: `${api}/git/${kind}/${item.sha}`,
  };
}

export function refJson(core: SimCore, repo: Repo, ref: { ref: string; sha: string; type: string }) {
  const api = repoApi(core, repo);
  return {
    ref: ref.ref,
    node_id: Buffer.from(`Ref:${repo.id}:${ref.ref}`).toString('base64'),
    url: `${api}/git/${ref.ref}`,
    object: { type: ref.type, sha: ref.sha, url: `${api}/git/${ref.type}s/${ref.sha}` },
  };
}

async function changedFiles(core: SimCore, repo: Repo, commit: CommitData) {
  const parent = commit.parents[0] ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
  const numstat = await gitText(repo.gitDir, ['diff', '--numstat', '-z', '--no-renames', parent, commit.sha]);
  const status = await gitText(repo.gitDir, [
    'diff',
    '--name-status',
    '-z',
    '--no-renames',
    parent,
    commit.sha,
  ]);
  const statusParts = status.split('\0').filter(Boolean);
  const statuses = new Map<string, string>();
  for (let i = 0; i + 1 < statusParts.length; i += 2)
    statuses.set(statusParts[i + 1] ?? '', statusParts[i] ?? 'M');
  const words: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', T: 'changed' };
  const html = repoHtml(core, repo);
  return numstat
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [added, removed, filename = ''] = line.split('\t');
      const additions = Number(added) || 0;
      const deletions = Number(removed) || 0;
      return {
        sha: commit.sha,
        filename,
        status: words[statuses.get(filename) ?? 'M'] ?? 'modified',
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: `${html}/blob/${commit.sha}/${filename}`,
        raw_url: `${html}/raw/${commit.sha}/${filename}`,
        contents_url: `${repoApi(core, repo)}/contents/${filename}?ref=${commit.sha}`,
      };
    });
}

export async function commitJson(core: SimCore, repo: Repo, commit: CommitData, withFiles: boolean) {
  const api = repoApi(core, repo);
  const html = repoHtml(core, repo);
  const git = gitCommitJson(core, repo, commit);
  const files = withFiles ? await changedFiles(core, repo, commit) : null;
  return {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: git.node_id,
    html_url: `${html}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: git.url,
      author: git.author,
      committer: git.committer,
      message: git.message,
      comment_count: 0,
      tree: git.tree,
      verification: git.verification,
    },
    author: null,
    committer: null,
    parents: git.parents,
    ...(files
      ? {
          stats: {
            additions: files.reduce((sum, file) => sum + file.additions, 0),
            deletions: files.reduce((sum, file) => sum + file.deletions, 0),
            total: files.reduce((sum, file) => sum + file.changes, 0),
          },
          files,
        }
      : {}),
  };
}
