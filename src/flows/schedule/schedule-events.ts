// The events that teach the App a repository's schedules: the App installed (or repositories
// added to it), and a push to the default branch that changes `.github/agent.yml`
// (classifyDelivery queues only those pushes). Payloads are read through the shapes flows trust.

import { z } from 'zod';
import { readPayload } from '../../core/ingest/webhook-payloads.ts';
import type { AppDeps } from '../app-deps.ts';
import { learnSchedules } from './learn-schedules.ts';

const repoShape = z.object({ id: z.number().int().positive(), name: z.string(), full_name: z.string() });
const installationShape = z.object({
  installation: z.object({ id: z.number().int().positive() }),
  repositories: z.array(repoShape).optional(),
  repositories_added: z.array(repoShape).optional(),
});
const pushShape = z.object({
  installation: z.object({ id: z.number().int().positive() }),
  after: z.string(),
  repository: z.object({
    id: z.number().int().positive(),
    name: z.string(),
    owner: z.object({ login: z.string() }),
  }),
});

export async function learnOnInstall(deps: AppDeps, event: string, payload: unknown): Promise<void> {
  const shape = readPayload(installationShape, event, payload);
  const repos = shape.repositories_added ?? shape.repositories ?? [];
  for (const repo of repos) {
    const [owner] = repo.full_name.split('/');
    await learnSchedules(deps, {
      installationId: shape.installation.id,
      id: repo.id,
      owner: owner ?? '',
      name: repo.name,
    });
  }
}

export async function learnOnPush(deps: AppDeps, payload: unknown): Promise<void> {
  const shape = readPayload(pushShape, 'push', payload);
  const repo = shape.repository;
  await learnSchedules(
    deps,
    { installationId: shape.installation.id, id: repo.id, owner: repo.owner.login, name: repo.name },
    shape.after,
  );
}
