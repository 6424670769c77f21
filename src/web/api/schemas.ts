// The API's answers, as zod schemas: they validate every response, and the OpenAPI document at
// /api/v1/openapi.json is generated from them (docs/api.md). Component names come from `.meta`.
import { z } from 'zod';
import { transcriptEventSchema } from '../../contract/transcript.ts';
import { TASK_STATES } from '../../core/task/task-states.ts';
import { USAGE_GROUPS } from '../../store/usage.ts';
import { pipelineViewSchema } from './pipeline-view.ts';

const time = z.iso.datetime({ offset: true });
const money = z.number().nullable();

export const taskStateSchema = z.enum(TASK_STATES).meta({ id: 'TaskState' });
// Inline, not a reference: the generator drops `null` from a nullable reference in OpenAPI 3.1.
const stateOrNull = z.enum(TASK_STATES).nullable();

export const taskSummarySchema = z
  .object({
    id: z.number().int(),
    repository: z.string().describe('owner/name'),
    repositoryId: z.number().int(),
    issueNumber: z.number().int().nullable(),
    pullRequest: z.boolean().describe('The command was given on a pull request.'),
    requester: z.string(),
    engine: z.string(),
    state: taskStateSchema,
    attempt: z.number().int(),
    costUsd: money,
    pullRequestUrl: z.string().nullable(),
    error: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
    createdAt: time,
    updatedAt: time,
    finishedAt: time.nullable(),
    links: z.object({
      self: z.string(),
      html: z.string().describe('The issue or pull request the task was asked for on GitHub.'),
      live: z.string().describe("The task's live page."),
    }),
  })
  .meta({ id: 'TaskSummary' });

export const taskListSchema = z
  .object({
    tasks: z.array(taskSummarySchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.'),
  })
  .meta({ id: 'TaskList' });

export const taskEventSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    fromState: stateOrNull,
    toState: stateOrNull,
    actor: z.string(),
    payload: z.record(z.string(), z.unknown()),
    createdAt: time,
  })
  .meta({ id: 'TaskEvent' });

export const taskEventsSchema = z
  .object({ events: z.array(taskEventSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TaskEvents' });

const usageFigures = {
  turns: z.number().nullable(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  costUsd: money,
};

export const attemptUsageSchema = z
  .object({
    attempt: z.number().int(),
    outcome: z.string(),
    runId: z.number().int(),
    ...usageFigures,
    durationMs: z.number().nullable(),
    reportedAt: time,
  })
  .meta({ id: 'AttemptUsage' });

export const taskDetailSchema = taskSummarySchema
  .extend({
    issueTitle: z.string(),
    prompt: z.string(),
    approvedBy: z.string().nullable(),
    branch: z.string().nullable(),
    pullRequestNumber: z.number().int().nullable(),
    workflowRunUrl: z.string().nullable(),
    progress: z
      .object({
        turns: z.number().nullable(),
        lastTool: z.string().nullable(),
        message: z.string().nullable(),
      })
      .nullable(),
    usage: z.object({ total: z.object(usageFigures), attempts: z.array(attemptUsageSchema) }),
    events: z.array(taskEventSchema).describe('The first 500 events; page through /events for more.'),
    transcript: z.object({ events: z.number().int(), truncated: z.boolean() }),
    pipeline: pipelineViewSchema.describe('A pipeline task: its steps, each step run and the approvals.'),
    links: taskSummarySchema.shape.links.extend({
      events: z.string(),
      transcript: z.string(),
      run: z.string().nullable(),
      pullRequest: z.string().nullable(),
    }),
  })
  .meta({ id: 'TaskDetail' });

export const transcriptItemSchema = z
  .object({ id: z.number().int(), attempt: z.number().int(), at: time, event: transcriptEventSchema })
  .meta({ id: 'TranscriptItem' });

export const transcriptSchema = z
  .object({
    items: z.array(transcriptItemSchema),
    truncated: z.boolean().describe('The per-task cap was reached; the marker event says where.'),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'Transcript' });

export const repositorySchema = z
  .object({
    id: z.number().int(),
    fullName: z.string(),
    private: z.boolean(),
    installationId: z.number().int(),
    role: z
      .enum(['read', 'triage', 'write', 'maintain', 'admin'])
      .nullable()
      .describe('Null: seen as an operator.'),
    links: z.object({ tasks: z.string() }),
  })
  .meta({ id: 'Repository' });

export const repositoryListSchema = z
  .object({ repositories: z.array(repositorySchema) })
  .meta({ id: 'RepositoryList' });

export const usageSchema = z
  .object({
    from: time,
    to: time,
    groupBy: z.enum(USAGE_GROUPS),
    rows: z.array(
      z.object({
        key: z.string(),
        tasks: z.number().int(),
        attempts: z.number().int(),
        costUsd: z.number(),
        inputTokens: z.number(),
        outputTokens: z.number(),
        turns: z.number(),
      }),
    ),
  })
  .meta({ id: 'Usage' });

export const outcomesSchema = z
  .object({
    from: time,
    to: time,
    groupBy: z.enum(['engine', 'repository']),
    rows: z.array(
      z.object({
        key: z.string(),
        pullRequests: z.number().int(),
        merged: z.number().int(),
        closedUnmerged: z.number().int(),
        open: z.number().int(),
        mergeRate: z.number().nullable().describe('merged / (merged + closed unmerged)'),
        medianHoursToMerge: z.number().nullable(),
        followUps: z.number().int().describe('Follow-up tasks asked on these pull requests.'),
        costUsd: z.number(),
        costPerMergedUsd: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'Outcomes' });

export const sessionSchema = z
  .object({
    login: z.string(),
    userId: z.number().int(),
    operator: z.boolean(),
    via: z.enum(['session', 'token']),
    csrfToken: z.string().nullable().describe('Send as X-CSRF-Token on requests that change something.'),
  })
  .meta({ id: 'Session' });

export const actionBodySchema = z
  .object({ reason: z.string().max(500).optional().describe('For reject: shown with the task.') })
  .meta({ id: 'TaskActionRequest' });

export const actionAnswerSchema = z.object({ task: taskSummarySchema }).meta({ id: 'TaskActionAnswer' });
