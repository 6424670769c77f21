// GitHub as a signed-in user sees it: the OAuth web flow's code exchange, who the token belongs
// to, and the App's installations and repositories the user can reach (the intersection of the
// App's and the user's access). Every call uses the user's own token, never the App's.
import { request as baseRequest } from '@octokit/request';

export type GitHubUser = { id: number; login: string; type: string };

export type UserRepo = {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  installationId: number;
  permissions: { admin?: boolean; maintain?: boolean; push?: boolean; triage?: boolean; pull?: boolean };
};

export type UserApi = {
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<string>;
  /** The token's owner, or undefined when GitHub does not accept the token (401). */
  user(token: string): Promise<GitHubUser | undefined>;
  /** Repositories of the App's installations the user can access. */
  repositories(token: string): Promise<UserRepo[]>;
};

export class GitHubAnswerError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

const PER_PAGE = 100;
/** Enough for any person; a bound so a huge organisation cannot make one request endless. */
const MAX_PAGES = 20;

type Settings = {
  apiUrl: string;
  webUrl: string;
  appId: number;
  oauth: { clientId: string; clientSecret: string } | undefined;
  fetch?: typeof fetch;
};

export function createUserApi(settings: Settings): UserApi {
  const request = baseRequest.defaults({
    baseUrl: settings.apiUrl,
    ...(settings.fetch ? { request: { fetch: settings.fetch } } : {}),
  });
  const asUser = (token: string) => request.defaults({ headers: { authorization: `token ${token}` } });

  async function pages<T>(fetchPage: (page: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { items, total } = await fetchPage(page);
      all.push(...items);
      if (items.length < PER_PAGE || all.length >= total) break;
    }
    return all;
  }

  return {
    async exchangeCode({ code, redirectUri, codeVerifier }) {
      if (!settings.oauth) throw new GitHubAnswerError('sign-in is not configured', 503);
      const response = await (settings.fetch ?? fetch)(`${settings.webUrl}/login/oauth/access_token`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: settings.oauth.clientId,
          client_secret: settings.oauth.clientSecret,
          code,
          redirect_uri: redirectUri,
          code_verifier: codeVerifier,
        }),
      });
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (!response.ok || typeof body.access_token !== 'string') {
        // GitHub answers 200 with `error` for a bad or used code.
        const reason =
          typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
        throw new GitHubAnswerError(
          `GitHub refused the sign-in code: ${reason}`,
          response.ok ? 400 : response.status,
        );
      }
      return body.access_token;
    },

    async user(token) {
      try {
        const { data } = await asUser(token)('GET /user');
        return { id: Number(data.id), login: data.login, type: data.type };
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 401) return undefined;
        throw new GitHubAnswerError(
          `GET /user answered ${status ?? (error as Error).message}`,
          status ?? 502,
        );
      }
    },

    async repositories(token) {
      const user = asUser(token);
      const installations = await pages(async (page) => {
        const { data } = await user('GET /user/installations', { per_page: PER_PAGE, page });
        return { items: data.installations, total: data.total_count };
      });
      const ours = installations.filter((installation) => installation.app_id === settings.appId);
      const repos: UserRepo[] = [];
      for (const installation of ours) {
        const found = await pages(async (page) => {
          const { data } = await user('GET /user/installations/{installation_id}/repositories', {
            installation_id: installation.id,
            per_page: PER_PAGE,
            page,
          });
          return { items: data.repositories, total: data.total_count };
        });
        for (const repo of found)
          repos.push({
            id: Number(repo.id),
            owner: repo.owner.login,
            name: repo.name,
            private: repo.private,
            installationId: installation.id,
            permissions: repo.permissions ?? {},
          });
      }
      return repos;
    },
  };
}
