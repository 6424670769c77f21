import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/world.ts';

let world: World;
const repo = { owner: 'acme', repo: 'widgets' };

beforeAll(async () => {
  world = await createWorld({}, {
    'README.md': '# widgets\n',
    'src/app.ts': 'export const answer = 42;\n',
    'src/old.ts': 'old\n',
    'bin/run.sh': { content: '#!/bin/sh\necho hi\n', mode: 'executable' },
    '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
  } as never);
});
afterAll(async () => {
  await world.close();
});

async function error(promise: Promise<unknown>) {
  return promise.then(
    () => null,
    (caught: { status: number; response?: { data: { message: string; errors?: unknown[] } } }) => caught,
  );
}

describe('Git Data API', () => {
  it('publishes a commit that appears in git log of the bare repository', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const blob = await octokit.rest.git.createBlob({
      ...repo,
      content: Buffer.from('binary\0data').toString('base64'),
      encoding: 'base64',
    });
    const tree = await octokit.rest.git.createTree({
      ...repo,
      base_tree: head,
      tree: [
        { path: 'docs/hello.md', mode: '100644', type: 'blob', content: 'hello\n' },
        { path: 'assets/data.bin', mode: '100644', type: 'blob', sha: blob.data.sha },
      ],
    });
    const commit = await octokit.rest.git.createCommit({
      ...repo,
      message: 'Add hello\n\nBody text',
      tree: tree.data.sha,
      parents: [head],
      author: { name: 'Maria', email: 'maria@example.com' },
    });
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/agent/task-1', sha: commit.data.sha });

    const log = await world.sim.git.log('acme/widgets', 'agent/task-1');
    expect(log[0]).toMatchObject({
      sha: commit.data.sha,
      parents: [head],
      author: 'Maria <maria@example.com>',
      message: 'Add hello\n\nBody text',
    });
    expect((await world.sim.git.readFile('acme/widgets', 'agent/task-1', 'docs/hello.md'))?.toString()).toBe(
      'hello\n',
    );
    expect(await world.sim.git.readFile('acme/widgets', 'agent/task-1', 'assets/data.bin')).toEqual(
      Buffer.from('binary\0data'),
    );
    expect(
      await world.sim.git.run('acme/widgets', ['show', '--format=%s', '--name-only', commit.data.sha]),
    ).toContain('docs/hello.md');
    expect(commit.data.verification?.verified).toBe(true);
  });

  it('round-trips a tree with a deleted path, a symlink and an executable file', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const tree = await octokit.rest.git.createTree({
      ...repo,
      base_tree: head,
      tree: [
        { path: 'src/old.ts', mode: '100644', type: 'blob', sha: null },
        { path: 'link-to-app', mode: '120000', type: 'blob', content: 'src/app.ts' },
        { path: 'bin/tool.sh', mode: '100755', type: 'blob', content: '#!/bin/sh\n' },
      ],
    });
    const read = await octokit.rest.git.getTree({ ...repo, tree_sha: tree.data.sha, recursive: 'true' });
    const byPath = Object.fromEntries(read.data.tree.map((item) => [item.path, item]));
    expect(byPath['src/old.ts']).toBeUndefined();
    expect(byPath['src/app.ts']).toMatchObject({ mode: '100644', type: 'blob' });
    expect(byPath['link-to-app']).toMatchObject({ mode: '120000', type: 'blob' });
    expect(byPath['bin/tool.sh']).toMatchObject({ mode: '100755' });
    expect(byPath['bin/run.sh']).toMatchObject({ mode: '100755' });
    expect(byPath.src).toMatchObject({ type: 'tree', mode: '040000' });
    const link = await octokit.rest.git.getBlob({ ...repo, file_sha: byPath['link-to-app']?.sha ?? '' });
    expect(Buffer.from(link.data.content, 'base64').toString()).toBe('src/app.ts');
  });

  it('reads a commit back with its tree, parents and message', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const { data } = await octokit.rest.git.getCommit({ ...repo, commit_sha: head });
    expect(data).toMatchObject({ sha: head, message: 'Initial commit', parents: [] });
    expect(data.tree.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses a non-fast-forward ref update without force and accepts it with force', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const tree = (await octokit.rest.git.getCommit({ ...repo, commit_sha: head })).data.tree.sha;
    const a = await octokit.rest.git.createCommit({ ...repo, message: 'a', tree, parents: [head] });
    const b = await octokit.rest.git.createCommit({ ...repo, message: 'b', tree, parents: [head] });
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/feature', sha: a.data.sha });
    const refused = await error(
      octokit.rest.git.updateRef({ ...repo, ref: 'heads/feature', sha: b.data.sha }),
    );
    expect(refused).toMatchObject({
      status: 422,
      response: { data: { message: 'Update is not a fast forward' } },
    });
    expect(await world.sim.git.resolve('acme/widgets', 'feature')).toBe(a.data.sha);
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/feature', sha: b.data.sha, force: true });
    expect(await world.sim.git.resolve('acme/widgets', 'feature')).toBe(b.data.sha);
  });

  it('refuses to create an existing ref and to delete a missing one', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    expect(
      await error(octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/main', sha: head })),
    ).toMatchObject({ status: 422 });
    expect(await error(octokit.rest.git.deleteRef({ ...repo, ref: 'heads/nope' }))).toMatchObject({
      status: 422,
    });
  });

  it('lists matching refs by prefix', async () => {
    const { data } = await world
      .installationOctokit()
      .rest.git.listMatchingRefs({ ...repo, ref: 'heads/agent/' });
    expect(data.map((ref) => ref.ref)).toEqual(['refs/heads/agent/task-1']);
  });

  it('refuses a branch that changes .github/workflows/ from a token without the workflows permission', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const tree = await octokit.rest.git.createTree({
      ...repo,
      base_tree: head,
      tree: [{ path: '.github/workflows/ci.yml', mode: '100644', type: 'blob', content: 'on: push\n' }],
    });
    const commit = await octokit.rest.git.createCommit({
      ...repo,
      message: 'sneaky',
      tree: tree.data.sha,
      parents: [head],
    });
    const refused = await error(
      octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/sneaky', sha: commit.data.sha }),
    );
    expect(refused?.status).toBe(403);
    expect(refused?.response?.data.message).toContain('without `workflows` permission');
    expect(await world.sim.git.resolve('acme/widgets', 'sneaky')).toBeNull();
  });
});

describe('create a tree on a base: what GitHub builds and what it refuses', () => {
  const base = async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    return { octokit, tree: (await octokit.rest.git.getCommit({ ...repo, commit_sha: head })).data.tree.sha };
  };

  it('overwrites a whole directory with a file written at its path', async () => {
    const { octokit, tree } = await base();
    const made = await octokit.rest.git.createTree({
      ...repo,
      base_tree: tree,
      tree: [{ path: 'src', mode: '100644', type: 'blob', content: 'now a file\n' }],
    });
    const items = (await octokit.rest.git.getTree({ ...repo, tree_sha: made.data.sha, recursive: 'true' }))
      .data.tree;
    expect(items.filter((i) => i.path?.startsWith('src'))).toEqual([
      expect.objectContaining({ path: 'src', type: 'blob' }),
    ]);
  });

  it.each([
    ['a directory', [{ path: 'src', mode: '040000', type: 'tree', sha: null }]],
    ['a directory given as a file', [{ path: 'src', mode: '100644', type: 'blob', sha: null }]],
    ['a path the base does not have', [{ path: 'nope.txt', mode: '100644', type: 'blob', sha: null }]],
    [
      'a path made a file and written under',
      [
        { path: 'x', mode: '100644', type: 'blob', content: 'x' },
        { path: 'x/y', mode: '100644', type: 'blob', content: 'y' },
      ],
    ],
  ] as const)('answers 422 to deleting or writing %s', async (_what, entries) => {
    const { octokit, tree } = await base();
    const refused = await error(
      octokit.rest.git.createTree({ ...repo, base_tree: tree, tree: [...entries] }),
    );
    expect(refused).toMatchObject({ status: 422, response: { data: { message: 'GitRPC::BadObjectState' } } });
  });

  it('truncates a recursive listing above its limit, as GitHub does past 100,000 entries', async () => {
    const { octokit, tree } = await base();
    world.sim.core.limits.recursiveTreeEntries = 2;
    try {
      const listed = (await octokit.rest.git.getTree({ ...repo, tree_sha: tree, recursive: 'true' })).data;
      expect(listed).toMatchObject({ truncated: true, tree: [expect.anything(), expect.anything()] });
      expect((await octokit.rest.git.getTree({ ...repo, tree_sha: tree })).data.truncated).toBe(false);
    } finally {
      world.sim.core.limits.recursiveTreeEntries = 100_000;
    }
  });
});

describe('contents, branches and commits', () => {
  it('serves a file as JSON with base64 content and raw with the raw media type', async () => {
    const octokit = world.installationOctokit();
    const json = await octokit.rest.repos.getContent({ ...repo, path: 'src/app.ts' });
    expect(json.data).toMatchObject({ type: 'file', path: 'src/app.ts', encoding: 'base64' });
    expect(Buffer.from((json.data as { content: string }).content, 'base64').toString()).toBe(
      'export const answer = 42;\n',
    );
    const raw = await octokit.rest.repos.getContent({
      ...repo,
      path: 'src/app.ts',
      mediaType: { format: 'raw' },
    });
    expect(raw.data).toBe('export const answer = 42;\n');
  });

  it('lists a directory and answers 404 for a missing path or ref', async () => {
    const octokit = world.installationOctokit();
    const dir = await octokit.rest.repos.getContent({ ...repo, path: 'src' });
    expect((dir.data as Array<{ name: string }>).map((entry) => entry.name).sort()).toEqual([
      'app.ts',
      'old.ts',
    ]);
    expect(await error(octokit.rest.repos.getContent({ ...repo, path: 'nope.txt' }))).toMatchObject({
      status: 404,
    });
    expect(
      await error(octokit.rest.repos.getContent({ ...repo, path: 'README.md', ref: 'nope' })),
    ).toMatchObject({ status: 404 });
  });

  it('reads a file at a ref other than the default branch', async () => {
    const { data } = await world.installationOctokit().rest.repos.getContent({
      ...repo,
      path: 'docs/hello.md',
      ref: 'agent/task-1',
      mediaType: { format: 'raw' },
    });
    expect(data).toBe('hello\n');
  });

  it('gets a branch and a commit with its changed files', async () => {
    const octokit = world.installationOctokit();
    const branch = await octokit.rest.repos.getBranch({ ...repo, branch: 'agent/task-1' });
    const commit = await octokit.rest.repos.getCommit({ ...repo, ref: branch.data.commit.sha });
    expect(commit.data.files?.map((file) => [file.filename, file.status]).sort()).toEqual([
      ['assets/data.bin', 'added'],
      ['docs/hello.md', 'added'],
    ]);
  });
});
