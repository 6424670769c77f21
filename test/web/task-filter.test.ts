// The task table's filter: the page lists with it (listTasks) and a row that changed live is put
// on the page when the same conditions keep it (tasksMatching, on the changed ids). Both must agree
// for any filter and any set of changed tasks — or a live row appears that a reload would not
// show, or one is missing. The state tabs count with it too. Tasks with long prompts, pattern
// characters, case and numbers.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_STATES, type TaskState } from '../../src/core/task/task-states.ts';
import {
  countTasksByState,
  listTasks,
  type TaskFilter,
  tasksMatching,
} from '../../src/store/task-history.ts';
import { readTaskQuery, taskQueryString } from '../../src/web/pages/task-filter.ts';
import { createAppDatabase } from '../support/database.ts';

let db: Awaited<ReturnType<typeof createAppDatabase>>;
let ids: number[];

const REPOS = [
  { id: 11, owner: 'acme', name: 'widgets' },
  { id: 12, owner: 'acme', name: 'gadgets_2' },
  { id: 13, owner: 'Other', name: 'thing' },
];
const LOGINS = ['alice', 'Bob', 'carol-x', 'd_e'];
const ENGINES = ['command', 'codex', 'claude-code'];
const WORDS = [
  'fix',
  'Fix the README',
  '100% done',
  'under_score',
  'back\\slash',
  'Ünïcode',
  'issue 12',
  'x',
];
const LONG = `${'pad '.repeat(200)}needle at the end`;

beforeAll(async () => {
  db = await createAppDatabase();
  let n = 0;
  for (const repo of REPOS)
    for (const login of LOGINS)
      for (const [i, word] of [...WORDS, LONG].entries()) {
        n++;
        await db.pool.query(
          `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
             comment_kind, comment_id, requester_login, requester_id, command, prompt, issue_title, engine, state)
           VALUES (1, $1, $2, $3, $4, false, 'issue_comment', $5, $6, $7, 'run', $8, $9, $10, $11)`,
          [
            repo.id,
            repo.owner,
            repo.name,
            1 + (n % 17),
            n,
            login,
            100 + LOGINS.indexOf(login),
            word,
            WORDS[(i + 3) % WORDS.length],
            ENGINES[n % ENGINES.length],
            TASK_STATES[n % TASK_STATES.length],
          ],
        );
      }
  ids = (await db.pool.query<{ id: string }>('SELECT id FROM tasks')).rows.map((r) => Number(r.id));
}, 60_000);

afterAll(async () => {
  await db?.close();
});

const searchText = fc.oneof(
  fc.constantFrom(
    ...WORDS,
    'needle',
    'README',
    'readme',
    '%',
    '_',
    '\\',
    '#12',
    '12',
    '012',
    ' fix ',
    '#',
    'acme/gad',
  ),
  fc.string({ maxLength: 4 }),
);

const filter: fc.Arbitrary<Omit<TaskFilter, 'limit'>> = fc.record(
  {
    repoIds: fc.option(fc.subarray(REPOS.map((r) => r.id)), { nil: undefined }),
    repoId: fc.option(fc.constantFrom(...REPOS.map((r) => r.id)), { nil: undefined }),
    states: fc.option(fc.subarray([...TASK_STATES] as TaskState[]), { nil: undefined }),
    requester: fc.option(fc.constantFrom(...LOGINS, 'ALICE', 'bob', 'nobody'), { nil: undefined }),
    engine: fc.option(fc.constantFrom(...ENGINES, 'gemini'), { nil: undefined }),
    search: fc.option(searchText, { nil: undefined }),
  },
  { requiredKeys: ['repoIds'] },
);

describe('the task filter', () => {
  it('keeps a changed task live exactly when the page lists it', async () => {
    await fc.assert(
      fc.asyncProperty(filter, fc.subarray(ids), async (f, changed) => {
        const listed = new Set((await listTasks(db.pool, { ...f, limit: 10_000 })).map((t) => t.id));
        const kept = await tasksMatching(db.pool, f, changed);
        expect([...kept].sort((a, b) => a - b)).toEqual(
          changed.filter((id) => listed.has(id)).sort((a, b) => a - b),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('counts each state as the list has them', async () => {
    await fc.assert(
      fc.asyncProperty(filter, async (f) => {
        const exact = new Map<string, number>();
        for (const t of await listTasks(db.pool, { ...f, limit: 10_000 }))
          exact.set(t.state, (exact.get(t.state) ?? 0) + 1);
        const counted = await countTasksByState(db.pool, f);
        expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(exact));
      }),
      { numRuns: 60 },
    );
  });

  it('reads back the query string it writes', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            repository: fc.constantFrom('acme/widgets', 'o/n'),
            states: fc.subarray([...TASK_STATES] as TaskState[], { minLength: 1 }),
            requester: fc.constantFrom('alice', 'd_e'),
            engine: fc.constantFrom(...ENGINES),
            q: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== ''),
          },
          { requiredKeys: [] },
        ),
        (query) => {
          const url = new URL(`http://x/tasks${taskQueryString(query)}`);
          expect(readTaskQuery(url)).toEqual(query);
        },
      ),
    );
  });
});
