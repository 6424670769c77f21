// The Probot app: which events do what. Handlers only wire a payload to a service. They run in
// the queue worker (process-delivery), never in the webhook request.
import type { Probot } from 'probot';
import { commandSourceFrom } from '../commands/command-source.ts';
import { handleCommandComment } from '../commands/handle-comment.ts';
import { answerProtectionRule } from '../gates/answer-protection-rule.ts';
import { pullTargetFrom, syncReviewCheck } from '../review/sync-review-check.ts';
import { handleWorkflowJob, handleWorkflowRun } from '../tracking/handle-run-event.ts';
import type { AppDeps } from './app-deps.ts';

type Json = Record<string, unknown>;

export function agentDispatchApp(deps: AppDeps) {
  return (app: Probot): void => {
    app.on(['issue_comment.created', 'pull_request_review_comment.created'], async (context) => {
      await handleCommandComment(
        deps,
        commandSourceFrom(context.name, context.id, context.payload as unknown as Json),
      );
    });
    app.on('workflow_run', async (context) => {
      await handleWorkflowRun(deps, context.payload as unknown as Json);
    });
    app.on('workflow_job', async (context) => {
      await handleWorkflowJob(deps, context.payload as unknown as Json);
    });
    app.on('deployment_protection_rule.requested', async (context) => {
      await answerProtectionRule(deps, context.payload as unknown as Json);
    });
    app.on(
      [
        'pull_request_review.submitted',
        'pull_request_review.edited',
        'pull_request_review.dismissed',
        'pull_request.synchronize',
        'pull_request.reopened',
      ],
      async (context) => {
        const target = pullTargetFrom(context.payload as unknown as Json);
        if (target) await syncReviewCheck(deps, target);
      },
    );
  };
}
