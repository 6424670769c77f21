// What the Actions service serves to a running job: the OIDC token request endpoint
// (`ACTIONS_ID_TOKEN_REQUEST_URL`, answering `{ "value": "<jwt>" }`) and plain-text job logs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialFrom } from '../auth/authenticate.ts';
import type { SimCore } from '../core.ts';
import { writeJson } from '../server/respond.ts';
import { mustAccount, mustRepo } from '../state/store.ts';

export async function serveOidcToken(core: SimCore, req: IncomingMessage, res: ServerResponse, url: URL) {
  const grant = core.actions.oidcGrant(credentialFrom(req.headers.authorization) ?? '');
  const issuer = core.actions.issuer;
  if (!grant || !issuer) {
    writeJson(res, 401, { message: 'Bad credentials' });
    return;
  }
  const job = core.store.jobs.get(grant.jobId);
  const repo = job ? mustRepo(core.store, job.repoId) : null;
  const fallbackAudience = repo ? `${core.url}/${mustAccount(core.store, repo.ownerId).login}` : core.url;
  const audience = url.searchParams.get('audience') || fallbackAudience;
  writeJson(res, 200, { value: await issuer.mint(grant.claims, audience) });
}

export function serveJobLog(core: SimCore, res: ServerResponse, url: URL) {
  const match = /^\/_logs\/jobs\/(\d+)$/.exec(url.pathname);
  const jobId = Number(match?.[1]);
  const job = core.store.jobs.get(jobId);
  if (!job || url.searchParams.get('token') !== core.actions.logToken(jobId)) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(job.log);
}
