// `.github/agent.yml`: what a repository allows and how tasks run. Validated with zod; the same
// schema is exported as JSON Schema for editors (docs/agent-config.schema.json).
import { z } from 'zod';
import { ENGINE_ISOLATION } from '../../contract/task-spec.ts';
import { ENGINES, type EngineName } from './engines.ts';
import { pipelinesSchema } from './pipelines-schema.ts';
import { schedulesSchema } from './schedules-schema.ts';

export { ENGINES, type EngineName };

export const ROLES = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'must be a GitHub login' });
// Every check says its own reason: a schema-level `error` would otherwise answer a value over the
// maximum with "must be a number".
const count = (max: number) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` });
const usd = () =>
  z
    .number({ error: 'must be a number' })
    .positive({ error: 'must be more than 0' })
    .max(1_000_000, { error: 'must be at most 1000000' });
const workflowFile = z
  .string()
  .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, { error: 'must be a file name in .github/workflows, e.g. agent.yml' });
const glob = z.string().min(1).max(200);

export const repoConfigSchema = z
  .strictObject({
    engine: z.enum(ENGINES, { error: `must be one of ${ENGINES.join(', ')}` }).default('claude-code'),
    engines: z
      .array(z.enum(ENGINES, { error: `must be one of ${ENGINES.join(', ')}` }))
      .min(1)
      .optional()
      .describe('Engines a command may pick with --engine; defaults to the default engine only.'),
    command: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('For the command engine: the command the job runs (the prompt is in $AGENT_PROMPT_FILE).'),
    model: z.string().min(1).max(100).optional().describe('Model name passed to the engine.'),
    'engine-isolation': z
      .enum(ENGINE_ISOLATION, { error: 'must be preferred or required' })
      .default('preferred')
      .describe(
        "preferred: the engine runs as an OS user of its own when the runner allows it (root or passwordless sudo on Linux), else as the job's user with a warning. required: a run that cannot isolate the engine is refused.",
      ),
    trigger: z
      .strictObject({
        'min-permission': z
          .enum(['write', 'maintain', 'admin'], { error: 'must be write, maintain or admin' })
          .default('write')
          .describe('Who may run a task without approval.'),
        users: z.array(login).max(500).default([]).describe('If not empty, only these users may run tasks.'),
        'below-permission': z
          .enum(['approval', 'refuse'], { error: 'must be approval or refuse' })
          .default('approval')
          .describe('What happens to a request from someone below min-permission.'),
      })
      .default({ 'min-permission': 'write', users: [], 'below-permission': 'approval' }),
    workflow: workflowFile.default('agent.yml'),
    environment: z.string().min(1).max(255).default('agent'),
    'branch-prefix': z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/, {
        error: 'may hold letters, digits, . _ / - (at most 40)',
      })
      .refine((v) => !v.includes('..') && !v.includes('//'), { error: 'must not contain .. or //' })
      .default('agent/'),
    'pull-request': z
      .strictObject({
        draft: z.boolean().default(false),
        labels: z.array(z.string().min(1).max(50)).max(10).default(['agent']),
        'request-review': z.boolean().default(true),
      })
      .default({ draft: false, labels: ['agent'], 'request-review': true }),
    limits: z
      .strictObject({
        'timeout-minutes': z.number().positive().max(360).default(30),
        'max-turns': count(1000).default(50),
        'max-cost-usd': z.number().positive().max(1000).default(5),
        'max-files': count(10_000).default(50),
        'max-lines': count(1_000_000).default(2000),
        'max-file-bytes': count(100 * 1024 * 1024).default(1024 * 1024),
        'max-prompt-chars': count(60_000).default(20_000),
      })
      .default({
        'timeout-minutes': 30,
        'max-turns': 50,
        'max-cost-usd': 5,
        'max-files': 50,
        'max-lines': 2000,
        'max-file-bytes': 1024 * 1024,
        'max-prompt-chars': 20_000,
      }),
    concurrency: count(50).default(2).describe('Tasks of this repository running at once.'),
    'rate-limit': z
      .strictObject({
        'per-user-per-hour': count(1000).default(10).describe('Tasks one user may start per hour.'),
        'replies-per-user-per-hour': count(1000)
          .default(10)
          .describe(
            'Replies to one user’s commands that start nothing (help, status, refusals) per hour; beyond it, a 😕 reaction.',
          ),
      })
      .default({ 'per-user-per-hour': 10, 'replies-per-user-per-hour': 10 }),
    budget: z
      .strictObject({
        'monthly-usd': usd()
          .optional()
          .describe(
            "Most this repository's agent runs may cost per calendar month (UTC). Enforced when the App is the environment's deployment protection rule.",
          ),
        'per-user-monthly-usd': usd()
          .optional()
          .describe(
            "Most one requester's tasks in this repository may cost per calendar month (UTC). Checked when a task is requested, when it is dispatched, and at the environment gate.",
          ),
      })
      .optional(),
    policy: z
      .strictObject({
        'deny-paths': z.array(glob).max(200).default([]).describe('Denied in addition to the defaults.'),
        'allow-paths': z.array(glob).max(200).default([]).describe('Exempted from the default denials.'),
      })
      .default({ 'deny-paths': [], 'allow-paths': [] }),
    schedules: schedulesSchema.default([]),
    pipelines: pipelinesSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const engines = config.engines ?? [config.engine];
    const disabled = (engine: string | undefined) =>
      engine !== undefined && !engines.includes(engine as EngineName);
    config.schedules.forEach((schedule, index) => {
      if (disabled(schedule.engine))
        ctx.addIssue({
          code: 'custom',
          path: ['schedules', index, 'engine'],
          message: 'is not in `engines`',
        });
    });
    for (const [name, pipeline] of Object.entries(config.pipelines ?? {}))
      pipeline.steps.forEach((step, index) => {
        if (disabled(step.engine))
          ctx.addIssue({
            code: 'custom',
            path: ['pipelines', name, 'steps', index, 'engine'],
            message: 'is not in `engines`',
          });
      });
    if (!engines.includes(config.engine)) {
      ctx.addIssue({
        code: 'custom',
        path: ['engines'],
        message: `must include the default engine ${config.engine}`,
      });
    }
    if (engines.includes('command') && !config.command) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: 'is required when the command engine is allowed',
      });
    }
  });

export type RepoConfig = z.output<typeof repoConfigSchema>;

export type ConfigIssue = { field: string; message: string };

export function parseRepoConfig(
  raw: unknown,
): { ok: true; config: RepoConfig } | { ok: false; issues: ConfigIssue[] } {
  const parsed = repoConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : '(top level)',
      message:
        issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

export function allowedEngines(config: RepoConfig): EngineName[] {
  return config.engines ?? [config.engine];
}
