// A webhook that arrives while the database is down is answered 503; GitHub keeps it as a failed
// delivery, and the redelivery reconciler asks for it again once the App is back: the command
// creates its task exactly once, and the reconciler does not ask twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELIABILITY_JOBS } from '../../src/flows/reconcile/reconcile-jobs.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { bringDatabaseBack, takeDatabaseDown } from './support/database-outage.ts';

const AGENT_SCRIPT = 'echo "hello" > hello.txt\n';

describe('redelivery of webhooks lost while the database was down', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  // The cron job, run now instead of at the next minute.
  const reconcile = () => stack.runCronJob(RELIABILITY_JOBS.redeliver);

  it('recovers a command answered 503 and creates its task once', async () => {
    const issue = await stack.issue('Lost while down');
    await takeDatabaseDown(stack.db.name);
    let answered: number;
    try {
      const { id, deliveries } = await stack.sim.createComment({
        repo: stack.repo.fullName,
        issue,
        user: 'alice',
        body: '/agent add hello.txt',
      });
      expect(id).toBeGreaterThan(0);
      answered = deliveries[0]!.statusCode;
    } finally {
      await bringDatabaseBack(stack.db.name);
    }
    expect(answered).toBe(503);
    const guid = stack.sim.deliveries.at(-1)!.guid;

    await reconcile();
    const task = await stack.waitForTask(
      (t) => t.issueNumber === issue,
      'the task from the redelivered command',
    );
    expect(task.deliveryId).toBe(guid);
    const ended = await stack.waitForTask(
      (t) => t.id === task.id && t.state === 'succeeded',
      'the recovered task to succeed',
      60_000,
    );
    expect(ended.prNumber).not.toBeNull();

    await reconcile();
    await stack.settle();
    const attempts = stack.sim.deliveries.filter((d) => d.guid === guid);
    expect(attempts.map((d) => [d.redelivery, d.statusCode])).toEqual([
      [false, 503],
      [true, 202],
    ]);
    expect((await stack.tasks()).filter((t) => t.issueNumber === issue)).toHaveLength(1);
    const asked = await stack.app.pool.query(
      'SELECT requests FROM webhook_redeliveries WHERE delivery_guid = $1',
      [guid],
    );
    expect(asked.rows).toEqual([{ requests: 1 }]);
  }, 120_000);
});
