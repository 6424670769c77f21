// What the doctor reads about the App on GitHub (as the App, with its JWT): who it is, where its
// webhook points, its recent deliveries, its installations. Reads only.
import type { AppFacts, Delivery } from '../../core/doctor/app-checks.ts';
import type { Octokit } from '../../github/octokit.ts';

type GitHubFacts = Pick<AppFacts, 'github' | 'hook' | 'deliveries' | 'installations'>;

function failed(error: unknown): { ok: false; reason: string; status?: number } {
  const status = (error as { status?: number }).status;
  const message = (error as Error).message?.split('\n')[0] ?? String(error);
  return status === undefined ? { ok: false, reason: message } : { ok: false, reason: message, status };
}

type DeliveryItem = {
  guid: string;
  event: string;
  status_code: number;
  delivered_at: string;
  installation_id: number | null;
};

export async function readGitHubFacts(
  app: Octokit,
  options: { apiUrl: string; installationId?: number },
): Promise<GitHubFacts> {
  let github: GitHubFacts['github'];
  try {
    const { data } = await app.request('GET /app');
    github = { ok: true, slug: data?.slug ?? '', htmlUrl: data?.html_url ?? '', apiUrl: options.apiUrl };
  } catch (error) {
    return { github: failed(error) };
  }
  const [hook, deliveries, installations] = await Promise.all([
    app.request('GET /app/hook/config').then(
      ({ data }): GitHubFacts['hook'] => ({
        ok: true,
        url: data.url ?? '',
        contentType: data.content_type ?? 'json',
      }),
      failed,
    ),
    app.request('GET /app/hook/deliveries', { per_page: 100 }).then(({ data }): GitHubFacts['deliveries'] => {
      const items = data as unknown as DeliveryItem[];
      const mine =
        options.installationId === undefined
          ? items
          : items.filter((d) => d.installation_id === options.installationId);
      const recent: Delivery[] = mine.map((d) => ({
        guid: d.guid,
        event: d.event,
        statusCode: d.status_code,
        deliveredAt: d.delivered_at,
      }));
      return { ok: true, recent };
    }, failed),
    options.installationId === undefined
      ? app
          .request('GET /app/installations', { per_page: 100 })
          .then(({ data }): GitHubFacts['installations'] => ({ ok: true, count: data.length }), failed)
      : Promise.resolve(undefined),
  ]);
  return { github, hook, deliveries, ...(installations && { installations }) };
}
