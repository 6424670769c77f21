// The facts of a `deployment_protection_rule.requested` delivery. GitHub names the run only in
// `deployment_callback_url` (…/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule);
// the App never calls that URL itself: it takes the run id from it and calls its own base URL.
// Pure.

export type GateRequest = {
  installationId: number;
  repo: { id: number; owner: string; name: string };
  environment: string;
  event: string;
  runId: number;
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const CALLBACK = /\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d{1,19})\/deployment_protection_rule$/;

export function gateRequestFrom(payload: Json): GateRequest | { invalid: string } {
  const repository = obj(payload.repository);
  const installationId = Number(obj(payload.installation).id);
  const repoId = Number(repository.id);
  const owner = str(obj(repository.owner).login);
  const name = str(repository.name);
  const environment = str(payload.environment);
  if (!Number.isSafeInteger(installationId) || !Number.isSafeInteger(repoId) || !owner || !name)
    return { invalid: 'the payload names no installation or repository' };
  if (!environment) return { invalid: 'the payload names no environment' };
  let pathname: string;
  try {
    pathname = new URL(str(payload.deployment_callback_url)).pathname;
  } catch {
    return { invalid: 'deployment_callback_url is not a URL' };
  }
  const match = CALLBACK.exec(pathname);
  if (!match) return { invalid: 'deployment_callback_url names no workflow run' };
  const [, urlOwner = '', urlName = '', runId = ''] = match;
  if (
    decodeURIComponent(urlOwner).toLowerCase() !== owner.toLowerCase() ||
    decodeURIComponent(urlName).toLowerCase() !== name.toLowerCase()
  ) {
    return { invalid: 'deployment_callback_url names another repository' };
  }
  const id = Number(runId);
  if (!Number.isSafeInteger(id) || id <= 0) return { invalid: 'deployment_callback_url has a bad run id' };
  return {
    installationId,
    repo: { id: repoId, owner, name },
    environment,
    event: str(payload.event),
    runId: id,
  };
}
