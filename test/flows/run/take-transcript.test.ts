// The App's side of transcripts: what the job sends is scanned again (a credential the job missed
// never reaches the database), a batch sent twice is stored once, and the per-task cap holds with
// one visible "truncated" marker — also when batches race.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '../../../src/contract/transcript.ts';
import { takeTranscript } from '../../../src/flows/run/take-transcript.ts';
import { getTask } from '../../../src/store/tasks.ts';
import { transcriptAfter, transcriptSummary } from '../../../src/store/transcripts.ts';
import { createAppDatabase } from '../../support/database.ts';
import { testLogger } from '../../support/quiet-logger.ts';

let db: Awaited<ReturnType<typeof createAppDatabase>>;
let next = 1;

async function task() {
  const row = await db.pool.query<{ id: string }>(
    `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
       comment_kind, comment_id, requester_login, requester_id, command, prompt, engine, state)
     VALUES (1, 1, 'acme', 'widgets', 1, false, 'issue_comment', $1, 'alice', 1, 'run', 'p', 'command', 'running')
     RETURNING id`,
    [next++],
  );
  return (await getTask(db.pool, Number(row.rows[0]!.id)))!;
}

const text = (value: string): TranscriptEvent => ({ kind: 'text', text: value });
const batch = (from: number, count: number) => ({
  attempt: 1,
  events: Array.from({ length: count }, (_, i) => ({ idx: from + i, event: text(`line ${from + i}`) })),
});

beforeAll(async () => {
  db = await createAppDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('transcripts the App takes', () => {
  it('redacts credentials the job did not', async () => {
    const t = await task();
    const leaked = `ghp_${'x'.repeat(36)}`;
    await takeTranscript(
      db.pool,
      testLogger(),
      t,
      {
        attempt: 1,
        events: [
          { idx: 0, event: text(`token ${leaked}`) },
          {
            idx: 1,
            event: { kind: 'tool_call', tool: 'Bash', input: `echo sk-ant-${'a'.repeat(30)}`, callId: null },
          },
        ],
      },
      100,
    );
    const stored = JSON.stringify(await transcriptAfter(db.pool, t.id, 0, 10));
    expect(stored).not.toContain(leaked);
    expect(stored).toContain('[redacted GitHub token]');
    expect(stored).toContain('[redacted Anthropic API key]');
  });

  it('stores a batch sent twice once', async () => {
    const t = await task();
    await takeTranscript(db.pool, testLogger(), t, batch(0, 5), 100);
    const again = await takeTranscript(db.pool, testLogger(), t, batch(0, 5), 100);
    expect(again).toEqual({ stored: 0, truncated: false });
    expect(await transcriptAfter(db.pool, t.id, 0, 100)).toHaveLength(5);
  });

  it('holds the cap across concurrent batches, with one truncated marker at the end', async () => {
    const t = await task();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => takeTranscript(db.pool, testLogger(), t, batch(i * 10, 10), 25)),
    );
    const rows = await transcriptAfter(db.pool, t.id, 0, 1000);
    const kept = rows.filter((r) => r.event.kind === 'text');
    const markers = rows.filter((r) => r.event.kind === 'truncated');
    expect(kept).toHaveLength(25);
    expect(markers).toHaveLength(1);
    expect(rows.at(-1)!.event).toMatchObject({
      kind: 'truncated',
      reason: expect.stringContaining('limit of 25 events'),
    });
    expect(answers.filter((a) => a.truncated).length).toBeGreaterThan(0);
    expect(await transcriptSummary(db.pool, t.id)).toEqual({ events: 25, truncated: true });
    const after = await takeTranscript(db.pool, testLogger(), t, batch(500, 3), 25);
    expect(after).toEqual({ stored: 0, truncated: true });
  });
});
