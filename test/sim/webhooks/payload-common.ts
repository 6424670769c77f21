// Assembles a payload: action, event fields, repository, sender and installation, shaped like
// GitHub's own example for the event and action.
import type { SimCore } from '../core.ts';
import { repositoryJson } from '../serialize/repository.ts';
import { userJson } from '../serialize/user.ts';
import { nodeId } from '../state/ids.ts';
import type { App, Installation } from '../state/types.ts';
import { exampleFor } from './examples.ts';
import { fitPayload } from './fit-to-example.ts';
import { shapePayload } from './schema-shape.ts';
import type { EmitSpec } from './send.ts';

export function installationLite(installation: Installation) {
  return { id: installation.id, node_id: nodeId('IntegrationInstallation', installation.id) };
}

export async function serializeForWebhook(
  sim: SimCore,
  spec: EmitSpec,
  target: { app: App; installation: Installation },
): Promise<Record<string, unknown>> {
  const payload: Record<string, unknown> = {};
  if (spec.action !== null) payload.action = spec.action;
  Object.assign(payload, await spec.build(target));
  if (spec.repo && !('repository' in payload)) payload.repository = repositoryJson(sim, spec.repo);
  payload.sender = userJson(sim, spec.sender);
  if (!('installation' in payload)) payload.installation = installationLite(target.installation);
  return shapePayload(spec.event, spec.action, fitPayload(exampleFor(spec.event, spec.action), payload));
}
