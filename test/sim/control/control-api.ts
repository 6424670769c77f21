// The control API under /_sim/: the in-process scripting API over HTTP, so a separate process
// (the chaos suite, the demo) can script the simulator. JSON in, JSON out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Simulator } from '../index.ts';
import { writeJson } from '../server/respond.ts';

type Body = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value ?? '');
}
type Handler = (sim: Simulator, body: Body, match: RegExpExecArray) => unknown;

const routes: Array<[string, RegExp, Handler]> = [
  ['POST', /^\/_sim\/apps$/, (sim, b) => sim.registerApp(b as never)],
  ['POST', /^\/_sim\/apps\/([^/]+)\/webhook$/, (sim, b, m) => sim.setWebhook(m[1] ?? '', b as never)],
  [
    'POST',
    /^\/_sim\/apps\/([^/]+)\/reachable$/,
    (sim, b, m) => sim.setWebhookReachable(m[1] ?? '', Boolean(b.reachable)),
  ],
  [
    'POST',
    /^\/_sim\/users$/,
    (sim, b) =>
      b.type === 'Bot'
        ? sim.addBot(str(b.login))
        : b.type === 'Organization'
          ? sim.addOrg(str(b.login))
          : sim.addUser(str(b.login), b as never),
  ],
  ['POST', /^\/_sim\/repos$/, (sim, b) => sim.createRepo(b as never)],
  ['POST', /^\/_sim\/installations$/, (sim, b) => sim.installApp(b as never)],
  [
    'POST',
    /^\/_sim\/installations\/(\d+)\/repositories$/,
    (sim, b, m) => sim.changeInstallationRepos(Number(m[1]), b as never),
  ],
  ['DELETE', /^\/_sim\/installations\/(\d+)$/, (sim, _b, m) => sim.uninstallApp(Number(m[1]))],
  [
    'POST',
    /^\/_sim\/permissions$/,
    (sim, b) => sim.setPermission(str(b.repo), str(b.login), str(b.role) as never),
  ],
  ['POST', /^\/_sim\/environments$/, (sim, b) => sim.setEnvironment(str(b.repo), str(b.name), b as never)],
  ['POST', /^\/_sim\/variables$/, (sim, b) => sim.setVariable(str(b.repo), str(b.name), str(b.value))],
  ['POST', /^\/_sim\/secrets$/, (sim, b) => sim.setSecret(str(b.repo), str(b.name), str(b.value))],
  ['POST', /^\/_sim\/user-tokens$/, (sim, b) => ({ token: sim.userToken(str(b.login)) })],
  ['POST', /^\/_sim\/issues$/, (sim, b) => sim.createIssue(b as never)],
  ['POST', /^\/_sim\/comments$/, (sim, b) => sim.createComment(b as never)],
  [
    'PATCH',
    /^\/_sim\/comments\/(\d+)$/,
    (sim, b, m) => sim.editComment({ ...b, commentId: Number(m[1]) } as never),
  ],
  [
    'DELETE',
    /^\/_sim\/comments\/(\d+)$/,
    (sim, b, m) => sim.deleteComment({ ...b, commentId: Number(m[1]) } as never),
  ],
  ['POST', /^\/_sim\/pushes$/, (sim, b) => sim.push(b as never)],
  ['POST', /^\/_sim\/pulls$/, (sim, b) => sim.createPullRequest(b as never)],
  ['POST', /^\/_sim\/reviews$/, (sim, b) => sim.submitReview(b as never)],
  ['POST', /^\/_sim\/review-comments$/, (sim, b) => sim.createReviewComment(b as never)],
  ['POST', /^\/_sim\/dispatches$/, (sim, b) => sim.dispatchWorkflow(b as never)],
  ['POST', /^\/_sim\/deployment-reviews$/, (sim, b) => sim.reviewDeployment(b as never)],
  ['POST', /^\/_sim\/actions$/, (sim, b) => Object.assign(sim.actions, b)],
  ['POST', /^\/_sim\/faults$/, (sim, b) => ({ id: sim.faults.inject(b as never).id })],
  ['DELETE', /^\/_sim\/faults$/, (sim) => sim.faults.clear()],
  [
    'POST',
    /^\/_sim\/rate-limit$/,
    (sim, b) => sim.setRateLimit(Number(b.limit), typeof b.key === 'string' ? b.key : undefined),
  ],
  ['GET', /^\/_sim\/requests$/, (sim) => sim.requests],
  ['GET', /^\/_sim\/requests\/unexpected$/, (sim) => sim.unexpectedRequests()],
  ['GET', /^\/_sim\/deliveries$/, (sim) => sim.deliveries],
  ['POST', /^\/_sim\/deliveries\/(\d+)\/redeliver$/, (sim, _b, m) => sim.redeliver(Number(m[1]))],
  ['GET', /^\/_sim\/runs$/, (sim) => sim.runs().map(({ abort: _abort, ...run }) => run)],
  ['GET', /^\/_sim\/metrics$/, (sim) => sim.metrics],
  ['POST', /^\/_sim\/idle$/, (sim) => sim.idle()],
];

export async function handleControl(
  sim: Simulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: Buffer,
) {
  const method = req.method ?? 'GET';
  for (const [verb, pattern, handler] of routes) {
    const match = pattern.exec(url.pathname);
    if (!match || verb !== method) continue;
    try {
      const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Body) : {};
      const result = await handler(sim, body, match);
      writeJson(res, 200, result ?? { ok: true });
    } catch (error) {
      writeJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  writeJson(res, 404, { error: `no control route ${method} ${url.pathname}` });
}
