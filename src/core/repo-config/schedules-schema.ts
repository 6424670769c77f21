// `schedules:` of `.github/agent.yml`: agents on a cron. Each schedule runs its prompt as
// `run-as`, whose permission is checked every time it fires (it runs only while that user may
// run tasks). The cron expression and time zone are checked with croner, the library that fires them.
import { z } from 'zod';
import { cronProblem, timeZoneProblem } from '../schedule/cron.ts';
import { ENGINES } from './engines.ts';

const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'must be a GitHub login' });

export const scheduleSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, {
      error: 'must be lower-case letters, digits and dashes (at most 40)',
    }),
    cron: z
      .string()
      .max(100)
      .describe(
        'Five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly.',
      ),
    timezone: z.string().max(64).default('UTC').describe('An IANA time zone, e.g. Europe/Paris.'),
    prompt: z.string().min(1).max(20_000).describe('What the agent is asked to do at each run.'),
    engine: z.enum(ENGINES, { error: `must be one of ${ENGINES.join(', ')}` }).optional(),
    limits: z
      .strictObject({
        'timeout-minutes': z.number().positive().max(360).optional(),
        'max-turns': z.number().int().min(1).max(1000).optional(),
        'max-cost-usd': z.number().positive().max(1000).optional(),
      })
      .optional()
      .describe("Overrides of the repository's limits for this schedule's runs."),
    branch: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/, { error: 'must be a branch name' })
      .refine((v) => !v.includes('..'), { error: 'must not contain ..' })
      .optional()
      .describe(
        'The branch to start from and open the pull request against; the default branch when absent.',
      ),
    'run-as': login.describe(
      'The user the runs act for: checked at every fire (the schedule runs only while they may run tasks here).',
    ),
    'report-issue': z
      .boolean()
      .default(false)
      .describe("Keep an issue updated in place with each run's result (off by default)."),
  })
  .superRefine((schedule, ctx) => {
    const cron = cronProblem(schedule.cron);
    if (cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: cron });
    const zone = timeZoneProblem(schedule.timezone);
    if (zone) ctx.addIssue({ code: 'custom', path: ['timezone'], message: zone });
  });

export type ScheduleDefinition = z.output<typeof scheduleSchema>;

export const schedulesSchema = z
  .array(scheduleSchema)
  .max(20)
  .superRefine((schedules, ctx) => {
    const seen = new Set<string>();
    schedules.forEach((schedule, index) => {
      if (seen.has(schedule.name))
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'is used by an earlier schedule' });
      seen.add(schedule.name);
    });
  })
  .describe('Agents on a cron: each runs its prompt as `run-as` and opens a pull request as usual.');
