// Environments, pending deployments reviewed by required reviewers, and the App's review of its own
// custom deployment protection rule.
import { gatesOfRun, reviewAsApp, reviewAsUser } from '../actions/gates.ts';
import { deploymentJson, environmentJson, environmentLite } from '../serialize/actions.ts';
import { userJson } from '../serialize/user.ts';
import { HttpError, notAccessibleByIntegration, notFound } from '../server/http-error.ts';
import { json, noContent, type Route } from '../server/route.ts';
import type { Deployment } from '../state/actions-types.ts';
import { findEnvironment } from '../state/environments.ts';
import { mustAccount } from '../state/store.ts';
import { runFrom } from './actions.ts';
import { readBody } from './read-body.ts';

export const environmentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/environments/{environment_name}',
    access: { kind: 'repo', permission: 'actions', level: 'read' },
    handle(ctx) {
      const environment = findEnvironment(ctx.core, ctx.repo, ctx.params.environment_name ?? '');
      if (!environment) throw notFound();
      return json(200, environmentJson(ctx.core, ctx.repo, environment));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
    access: { kind: 'repo', permission: 'actions', level: 'read' },
    handle(ctx) {
      const run = runFrom(ctx);
      const userId = ctx.principal.kind === 'user' ? ctx.principal.user.id : null;
      const pending = gatesOfRun(ctx.core, run.id).filter(
        (gate) => gate.reviewers === 'pending' && !gate.done,
      );
      return json(
        200,
        pending.flatMap((gate) => {
          const environment = ctx.core.store.environments.get(gate.environmentId);
          if (!environment) return [];
          const selfBlocked = environment.preventSelfReview && userId === run.actorId;
          return [
            {
              environment: environmentLite(ctx.core, ctx.repo, environment),
              wait_timer: 0,
              wait_timer_started_at: null,
              current_user_can_approve:
                userId !== null && environment.reviewerIds.includes(userId) && !selfBlocked,
              reviewers: environment.reviewerIds.map((id) => ({
                type: 'User',
                reviewer: userJson(ctx.core, mustAccount(ctx.core.store, id)),
              })),
            },
          ];
        }),
      );
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
    access: { kind: 'repo', permission: 'deployments', level: 'write', userRole: 'read' },
    handle(ctx) {
      const run = runFrom(ctx);
      if (ctx.principal.kind !== 'user') throw notAccessibleByIntegration();
      const body = readBody(ctx.body, 'PendingDeployment');
      const ids = body.array('environment_ids', { required: true });
      const state = body.oneOf('state', ['approved', 'rejected'] as const, { required: true });
      const comment = body.string('comment', { required: true });
      body.done();
      const deployments: Deployment[] = reviewAsUser(
        ctx.core,
        run,
        ctx.principal.user.id,
        (ids ?? []).map(Number),
        state ?? 'rejected',
        comment ?? '',
      );
      return json(
        200,
        deployments.map((deployment) => deploymentJson(ctx.core, deployment)),
      );
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule',
    access: { kind: 'repo', permission: 'deployments', level: 'write' },
    handle(ctx) {
      const run = runFrom(ctx);
      if (ctx.principal.kind !== 'installation')
        throw new HttpError(403, 'Resource not accessible by integration');
      const body = readBody(ctx.body, 'DeploymentProtectionRule');
      const environmentName = body.string('environment_name', { required: true });
      const state = body.oneOf('state', ['approved', 'rejected'] as const, { required: true });
      body.string('comment');
      body.done();
      reviewAsApp(ctx.core, run, ctx.principal.app.id, environmentName ?? '', state ?? 'rejected');
      return noContent();
    },
  },
];
