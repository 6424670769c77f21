// Contents (files as JSON or raw, directories), branches and commits, read from the bare repository.
import { entryAt, readBlob, readCommit, readTree, resolveCommit, type TreeItem } from '../git/objects.ts';
import { listRefs } from '../git/refs.ts';
import { gitText } from '../git/run-git.ts';
import { base64Lines, commitJson } from '../serialize/git.ts';
import { repoApi, repoHtml } from '../serialize/urls.ts';
import { HttpError, notFound } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, type Route, type RouteContext } from '../server/route.ts';

const read = { kind: 'repo', permission: 'contents', level: 'read' } as const;

async function resolveRef(ctx: RouteContext, ref: string | null): Promise<{ sha: string; name: string }> {
  const name = ref ?? ctx.repo.defaultBranch;
  for (const candidate of [`refs/heads/${name}`, `refs/tags/${name}`, name]) {
    const sha = await resolveCommit(ctx.repo.gitDir, candidate);
    if (sha) return { sha, name };
  }
  throw new HttpError(404, `No commit found for the ref ${name}`);
}

function entryJson(ctx: RouteContext, item: TreeItem, ref: string) {
  const api = repoApi(ctx.core, ctx.repo);
  const type =
    item.type === 'tree'
      ? 'dir'
      : item.mode === '120000'
        ? 'symlink'
        : item.mode === '160000'
          ? 'submodule'
          : 'file';
  const url = `${api}/contents/${item.path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/git/${item.type === 'tree' ? 'trees' : item.type === 'commit' ? 'commits' : 'blobs'}/${item.sha}`;
  const htmlUrl = `${repoHtml(ctx.core, ctx.repo)}/${item.type === 'tree' ? 'tree' : 'blob'}/${ref}/${item.path}`;
  return {
    type,
    size: item.size ?? 0,
    name: item.path.split('/').pop() ?? item.path,
    path: item.path,
    sha: item.sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url:
      type === 'file'
        ? `${ctx.core.url}/raw/${ctx.params.owner}/${ctx.params.repo}/${ref}/${item.path}`
        : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

function wantsRaw(ctx: RouteContext): boolean {
  const accept = String(ctx.headers.accept ?? '');
  return /application\/vnd\.github(\.v3)?\.raw/.test(accept);
}

async function contents(ctx: RouteContext) {
  const { sha, name } = await resolveRef(ctx, ctx.query.get('ref'));
  const path = (ctx.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const item = await entryAt(ctx.repo.gitDir, sha, path);
  if (!item) throw notFound();
  if (item.type === 'tree') {
    const children = await readTree(ctx.repo.gitDir, item.sha, false);
    return json(
      200,
      children.map((child) =>
        entryJson(ctx, { ...child, path: path ? `${path}/${child.path}` : child.path }, name),
      ),
    );
  }
  if (item.type === 'commit') return json(200, { ...entryJson(ctx, item, name), submodule_git_url: '' });
  const data = await readBlob(ctx.repo.gitDir, item.sha);
  if (wantsRaw(ctx)) return { status: 200, raw: { data, contentType: 'text/plain; charset=utf-8' } };
  const base = entryJson(ctx, { ...item, size: data.length }, name);
  if (item.mode === '120000') return json(200, { ...base, target: data.toString('utf8') });
  return json(200, { ...base, content: base64Lines(data), encoding: 'base64' });
}

async function branchJson(ctx: RouteContext, branch: string) {
  const sha = await resolveCommit(ctx.repo.gitDir, `refs/heads/${branch}`);
  const commit = sha ? await readCommit(ctx.repo.gitDir, sha) : null;
  if (!commit) throw new HttpError(404, 'Branch not found');
  const api = `${repoApi(ctx.core, ctx.repo)}/branches/${encodeURIComponent(branch)}`;
  return {
    name: branch,
    commit: await commitJson(ctx.core, ctx.repo, commit, false),
    _links: { self: api, html: `${repoHtml(ctx.core, ctx.repo)}/tree/${branch}` },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${api}/protection`,
  };
}

export const contentRoutes: Route[] = [
  { method: 'GET', path: '/repos/{owner}/{repo}/contents', access: read, handle: contents },
  { method: 'GET', path: '/repos/{owner}/{repo}/contents/{path}', access: read, handle: contents },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/branches',
    access: read,
    async handle(ctx) {
      const refs = await listRefs(ctx.repo.gitDir, 'refs/heads/');
      const page = paginate(ctx, refs);
      const api = repoApi(ctx.core, ctx.repo);
      return json(
        200,
        page.items.map((ref) => ({
          name: ref.ref.slice('refs/heads/'.length),
          commit: { sha: ref.sha, url: `${api}/commits/${ref.sha}` },
          protected: false,
        })),
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/branches/{branch}',
    access: read,
    handle: async (ctx) => json(200, await branchJson(ctx, ctx.params.branch ?? '')),
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits',
    access: read,
    async handle(ctx) {
      const { sha } = await resolveRef(ctx, ctx.query.get('sha'));
      const path = ctx.query.get('path');
      const list = await gitText(ctx.repo.gitDir, ['rev-list', sha, ...(path ? ['--', path] : [])]);
      const page = paginate(ctx, list.split('\n').filter(Boolean));
      const commits = [];
      for (const item of page.items) {
        const commit = await readCommit(ctx.repo.gitDir, item);
        if (commit) commits.push(await commitJson(ctx.core, ctx.repo, commit, false));
      }
      return json(200, commits, page.headers);
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits/{ref}',
    access: read,
    async handle(ctx) {
      const ref = ctx.params.ref ?? '';
      const sha = /^[0-9a-f]{40}$/.test(ref) ? ref : (await resolveRef(ctx, ref)).sha;
      const commit = await readCommit(ctx.repo.gitDir, sha);
      if (!commit) throw new HttpError(422, `No commit found for SHA: ${ref}`);
      return json(200, await commitJson(ctx.core, ctx.repo, commit, true));
    },
  },
];
