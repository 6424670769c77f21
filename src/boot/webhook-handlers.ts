// The Probot app: which events do what. Handlers only wire a payload to a service. They run in
// the queue worker (process-delivery), never in the webhook request.
import type { Probot } from 'probot';
import type { AppDeps } from '../flows/app-deps.ts';
import { commandSourceFrom } from '../flows/command/command-source.ts';
import { handleCommandComment } from '../flows/command/handle-comment.ts';
import { handleCommandEdit } from '../flows/command/handle-edit.ts';
import { pullTargetFrom, syncReviewCheck } from '../flows/feedback/review-check.ts';
import { recordPrEvent } from '../flows/outcomes/record-pr-outcome.ts';
import { refuseEditedHandoff } from '../flows/pipeline/post-handoff.ts';
import { answerProtectionRule } from '../flows/run/answer-protection-rule.ts';
import { handleWorkflowJob, handleWorkflowRun } from '../flows/run/handle-run-event.ts';
import { learnOnInstall, learnOnPush } from '../flows/schedule/schedule-events.ts';

type Json = Record<string, unknown>;

export function agentDispatchApp(deps: AppDeps) {
  return (app: Probot): void => {
    app.on(['issue_comment.created', 'pull_request_review_comment.created'], async (context) => {
      await handleCommandComment(deps, commandSourceFrom(context.name, context.id, context.payload));
    });
    app.on(['issue_comment.edited', 'pull_request_review_comment.edited'], async (context) => {
      const source = commandSourceFrom(context.name, context.id, context.payload);
      // An edit of the comment that shows a plan to approve is refused (put back as it was).
      if (await refuseEditedHandoff(deps, source, context.payload)) return;
      await handleCommandEdit(deps, source);
    });
    app.on(['installation.created', 'installation_repositories.added'], async (context) => {
      await learnOnInstall(deps, context.name, context.payload);
    });
    app.on('push', async (context) => {
      await learnOnPush(deps, context.payload);
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
        'pull_request.opened',
        'pull_request.closed',
        'pull_request.reopened',
        'pull_request_review.submitted',
      ],
      async (context) => {
        await recordPrEvent(deps, context.name, context.payload as unknown as Json);
      },
    );
    app.on(
      [
        'pull_request_review.submitted',
        'pull_request_review.edited',
        'pull_request_review.dismissed',
        'pull_request.synchronize',
        'pull_request.reopened',
      ],
      async (context) => {
        await syncReviewCheck(deps, pullTargetFrom(context.name, context.payload));
      },
    );
  };
}
