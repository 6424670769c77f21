// On shutdown, graphile-worker waits for running jobs, then (after SHUTDOWN_TIMEOUT_MS) fires
// its abort signal — which a job is free to ignore, holding the process open. Every job handler
// is raced against that signal: an unfinished job fails its attempt and goes back to the queue,
// for this or another replica to run again (every job is idempotent), and the process can exit.
import type { TaskList } from 'graphile-worker';

export function releasable(tasks: TaskList): TaskList {
  const wrapped: TaskList = {};
  for (const [name, task] of Object.entries(tasks)) {
    if (!task) continue;
    wrapped[name] = (payload, helpers) => {
      const work = Promise.resolve(task(payload, helpers));
      // The abandoned work may still fail later; that is expected, not an unhandled rejection.
      work.catch(() => {});
      const released = helpers.abortPromise.then(
        () => Promise.reject(new Error('released at shutdown')),
        (reason: unknown) =>
          Promise.reject(new Error(`released at shutdown (${String((reason as Error)?.message ?? reason)})`)),
      );
      released.catch(() => {});
      return Promise.race([work, released]);
    };
  }
  return wrapped;
}
