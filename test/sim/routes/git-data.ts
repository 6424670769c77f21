// The Git Data API over the real bare repository: blobs, trees, commits and references.
import type { SimCore } from '../core.ts';
import {
  buildTree,
  objectType,
  readBlob,
  readCommit,
  readTree,
  resolveCommit,
  type TreeEdit,
  type TreeMode,
  treeModes,
  writeBlob,
  writeCommit,
} from '../git/objects.ts';
import { listRefs, readRef } from '../git/refs.ts';
import { refuseUndocumented } from '../git/tree-rules.ts';
import { base64Lines, gitCommitJson, refJson, treeItemJson } from '../serialize/git.ts';
import { repoApi } from '../serialize/urls.ts';
import { invalidBody, notFound, unprocessable } from '../server/http-error.ts';
import { json, noContent, type Route, type RouteContext } from '../server/route.ts';
import { actorOf } from '../state/actor.ts';
import { isoNow, nodeId } from '../state/ids.ts';
import { createRef, removeRef, updateRef } from '../state/refs.ts';
import { mustAccount } from '../state/store.ts';
import { readBody } from './read-body.ts';

const read = { kind: 'repo', permission: 'contents', level: 'read' } as const;
const write = { kind: 'repo', permission: 'contents', level: 'write' } as const;

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

async function treeEdits(ctx: RouteContext, entries: unknown[]): Promise<TreeEdit[]> {
  const edits: TreeEdit[] = [];
  for (const [index, raw] of entries.entries()) {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const path = entry.path;
    const mode = entry.mode as TreeMode;
    if (typeof path !== 'string' || !path || !treeModes.includes(mode)) {
      throw invalidBody(
        [{ resource: 'Tree', field: `tree[${index}]`, code: 'invalid' }],
        'Invalid tree info',
      );
    }
    if ('content' in entry && entry.sha !== undefined) {
      throw unprocessable('Validation Failed', [
        { resource: 'Tree', code: 'custom', message: 'Must supply either tree.sha or tree.content' },
      ]);
    }
    if (entry.sha === null) {
      edits.push({ path, delete: true });
    } else if (typeof entry.content === 'string') {
      edits.push({ path, mode, content: Buffer.from(entry.content, 'utf8') });
    } else if (typeof entry.sha === 'string') {
      const type = await objectType(ctx.repo.gitDir, entry.sha);
      const expected = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
      if (expected !== 'commit' && type !== expected) {
        throw unprocessable(`tree.sha ${entry.sha} is not a valid ${expected}`);
      }
      edits.push({ path, mode, sha: entry.sha });
    } else {
      throw invalidBody([{ resource: 'Tree', field: `tree[${index}].sha`, code: 'missing_field' }]);
    }
  }
  return edits;
}

function defaultPerson(core: SimCore, ctx: RouteContext) {
  const actor = actorOf(core, ctx.principal);
  const account = mustAccount(core.store, actor.userId);
  return { name: account.login, email: `${account.id}+${account.login}@users.noreply.github.com` };
}

function personFrom(
  value: Record<string, unknown> | undefined,
  fallback: { name: string; email: string },
  now: string,
) {
  if (!value) return { ...fallback, date: now };
  if (typeof value.name !== 'string' || typeof value.email !== 'string') {
    throw invalidBody([{ resource: 'Commit', field: 'author', code: 'invalid' }]);
  }
  return { name: value.name, email: value.email, date: typeof value.date === 'string' ? value.date : now };
}

export const gitDataRoutes: Route[] = [
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/git/blobs',
    access: write,
    creates: true,
    async handle(ctx) {
      const body = readBody(ctx.body, 'Blob');
      const content = body.string('content', { required: true });
      const encoding = body.oneOf('encoding', ['utf-8', 'utf8', 'base64'] as const);
      body.done();
      const data = Buffer.from(content ?? '', encoding === 'base64' ? 'base64' : 'utf8');
      const sha = await writeBlob(ctx.repo.gitDir, data);
      return json(201, { url: `${repoApi(ctx.core, ctx.repo)}/git/blobs/${sha}`, sha });
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/git/blobs/{file_sha}',
    access: read,
    async handle(ctx) {
      const sha = ctx.params.file_sha ?? '';
      if ((await objectType(ctx.repo.gitDir, sha)) !== 'blob') throw notFound();
      const data = await readBlob(ctx.repo.gitDir, sha);
      return json(200, {
        sha,
        node_id: nodeId('Blob', Number.parseInt(sha.slice(0, 8), 16)),
        size: data.length,
        url: `${repoApi(ctx.core, ctx.repo)}/git/blobs/${sha}`,
        content: base64Lines(data),
        encoding: 'base64',
      });
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/git/trees',
    access: write,
    creates: true,
    async handle(ctx) {
      const body = readBody(ctx.body, 'Tree');
      const entries = body.array('tree', { required: true });
      const baseTree = body.string('base_tree');
      body.done();
      if (baseTree && (await objectType(ctx.repo.gitDir, baseTree)) === null) throw notFound();
      const edits = await treeEdits(ctx, entries ?? []);
      await refuseUndocumented(ctx.repo.gitDir, baseTree ?? null, edits);
      const sha = await buildTree(ctx.repo.gitDir, baseTree ?? null, edits);
      const items = await readTree(ctx.repo.gitDir, sha, false);
      return json(201, {
        sha,
        url: `${repoApi(ctx.core, ctx.repo)}/git/trees/${sha}`,
        tree: items.map((item) => treeItemJson(ctx.core, ctx.repo, item)),
        truncated: false,
      });
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/git/trees/{tree_sha}',
    access: read,
    async handle(ctx) {
      const wanted = ctx.params.tree_sha ?? '';
      const type = await objectType(ctx.repo.gitDir, wanted);
      const commit =
        type === 'tree' ? null : await resolveCommit(ctx.repo.gitDir, type ? wanted : `refs/heads/${wanted}`);
      if (type !== 'tree' && !commit) throw notFound();
      const treeish = commit ? `${commit}^{tree}` : wanted;
      const recursive = ctx.query.has('recursive');
      const items = await readTree(ctx.repo.gitDir, treeish, recursive);
      const sha = commit ? ((await readCommit(ctx.repo.gitDir, commit))?.tree ?? wanted) : wanted;
      const limit = ctx.core.limits.recursiveTreeEntries;
      const truncated = recursive && items.length > limit;
      return json(200, {
        sha,
        url: `${repoApi(ctx.core, ctx.repo)}/git/trees/${sha}`,
        tree: (truncated ? items.slice(0, limit) : items).map((item) =>
          treeItemJson(ctx.core, ctx.repo, item),
        ),
        truncated,
      });
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/git/commits',
    access: write,
    creates: true,
    async handle(ctx) {
      const body = readBody(ctx.body, 'Commit');
      const message = body.string('message', { required: true });
      const tree = body.string('tree', { required: true });
      const parents = body.stringArray('parents') ?? [];
      const author = body.object('author');
      const committer = body.object('committer');
      body.string('signature');
      body.done();
      const gitDir = ctx.repo.gitDir;
      if ((await objectType(gitDir, tree ?? '')) !== 'tree') {
        throw unprocessable('Tree SHA does not exist or is not a tree object');
      }
      for (const parent of parents) {
        if ((await objectType(gitDir, parent)) !== 'commit') {
          throw unprocessable('Parent SHA does not exist or is not a commit object');
        }
      }
      const now = isoNow(ctx.core.clock.now());
      const fallback = defaultPerson(ctx.core, ctx);
      const authorPerson = personFrom(author, fallback, now);
      const committerPerson = committer
        ? personFrom(committer, fallback, now)
        : { name: 'GitHub', email: 'noreply@github.com', date: now };
      const sha = await writeCommit(gitDir, {
        tree: tree ?? '',
        parents,
        message: message ?? '',
        author: authorPerson,
        committer: committerPerson,
      });
      if (!committer) ctx.core.store.signedCommits.add(sha);
      const commit = await readCommit(gitDir, sha);
      if (!commit) throw new Error('simulator: commit vanished');
      return json(201, gitCommitJson(ctx.core, ctx.repo, commit));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/git/commits/{commit_sha}',
    access: read,
    async handle(ctx) {
      const commit = await readCommit(ctx.repo.gitDir, ctx.params.commit_sha ?? '');
      if (!commit) throw notFound();
      return json(200, gitCommitJson(ctx.core, ctx.repo, commit));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/git/ref/{ref}',
    access: read,
    async handle(ctx) {
      const ref = await readRef(ctx.repo.gitDir, fullRef(ctx.params.ref ?? ''));
      if (!ref) throw notFound();
      return json(200, refJson(ctx.core, ctx.repo, ref));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/git/matching-refs/{ref}',
    access: read,
    async handle(ctx) {
      const refs = await listRefs(ctx.repo.gitDir, fullRef(ctx.params.ref ?? ''));
      return json(
        200,
        refs.filter((r) => !r.ref.startsWith('refs/pull/')).map((r) => refJson(ctx.core, ctx.repo, r)),
      );
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/git/refs',
    access: write,
    creates: true,
    async handle(ctx) {
      const body = readBody(ctx.body, 'Reference');
      const ref = body.string('ref', { required: true });
      const sha = body.string('sha', { required: true });
      body.done();
      await createRef(ctx.core, ctx.repo, ctx.principal, ref ?? '', sha ?? '');
      const created = await readRef(ctx.repo.gitDir, ref ?? '');
      if (!created) throw new Error('simulator: reference vanished');
      return json(201, refJson(ctx.core, ctx.repo, created));
    },
  },
  {
    method: 'PATCH',
    path: '/repos/{owner}/{repo}/git/refs/{ref}',
    access: write,
    creates: true,
    async handle(ctx) {
      const body = readBody(ctx.body, 'Reference');
      const sha = body.string('sha', { required: true });
      const force = body.boolean('force') ?? false;
      body.done();
      const ref = fullRef(ctx.params.ref ?? '');
      await updateRef(ctx.core, ctx.repo, ctx.principal, ref, sha ?? '', force);
      const updated = await readRef(ctx.repo.gitDir, ref);
      if (!updated) throw new Error('simulator: reference vanished');
      return json(200, refJson(ctx.core, ctx.repo, updated));
    },
  },
  {
    method: 'DELETE',
    path: '/repos/{owner}/{repo}/git/refs/{ref}',
    access: write,
    async handle(ctx) {
      await removeRef(ctx.repo, fullRef(ctx.params.ref ?? ''));
      return noContent();
    },
  },
];
