// A browser for tests: a cookie jar per origin and redirects followed by hand (so each hop can be
// inspected). Signing in walks GitHub's OAuth web flow on the simulator as `login`.
type Jar = Map<string, Map<string, string>>;

export type Hop = { url: string; status: number; setCookie: string[] };

export type Browser = {
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** Follows redirects from `url`; returns the last response and every hop. */
  navigate(url: string): Promise<{ response: Response; hops: Hop[] }>;
  cookie(origin: string, name: string): string | undefined;
  setCookie(origin: string, name: string, value: string): void;
};

function store(jar: Jar, origin: string, header: string): void {
  const [pair = ''] = header.split(';');
  const at = pair.indexOf('=');
  const name = pair.slice(0, at).trim();
  const value = pair.slice(at + 1).trim();
  const cookies = jar.get(origin) ?? new Map<string, string>();
  const expired = /max-age=0\b/i.test(header) || /expires=Thu, 01 Jan 1970/i.test(header);
  if (expired || value === '') cookies.delete(name);
  else cookies.set(name, value);
  jar.set(origin, cookies);
}

export function createBrowser(): Browser {
  const jar: Jar = new Map();
  const browser: Browser = {
    async fetch(url, init = {}) {
      const origin = new URL(url).origin;
      const headers = new Headers(init.headers);
      const cookies = jar.get(origin);
      if (cookies && cookies.size > 0)
        headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
      const response = await fetch(url, { ...init, headers, redirect: 'manual' });
      for (const header of response.headers.getSetCookie()) store(jar, origin, header);
      return response;
    },
    async navigate(url) {
      const hops: Hop[] = [];
      let next = url;
      for (let i = 0; i < 10; i++) {
        const response = await browser.fetch(next);
        hops.push({ url: next, status: response.status, setCookie: response.headers.getSetCookie() });
        const location = response.headers.get('location');
        if (response.status < 300 || response.status >= 400 || !location) return { response, hops };
        await response.body?.cancel();
        next = new URL(location, next).toString();
      }
      throw new Error(`too many redirects from ${url}`);
    },
    cookie: (origin, name) => jar.get(origin)?.get(name),
    setCookie(origin, name, value) {
      const cookies = jar.get(origin) ?? new Map<string, string>();
      cookies.set(name, value);
      jar.set(origin, cookies);
    },
  };
  return browser;
}

/** Signs `login` in through /auth/login and the simulator's OAuth pages; returns the CSRF token. */
export async function signIn(
  browser: Browser,
  appUrl: string,
  simUrl: string,
  login: string,
): Promise<{ csrfToken: string; hops: Hop[] }> {
  browser.setCookie(new URL(simUrl).origin, 'sim_login', login);
  const { response, hops } = await browser.navigate(`${appUrl}/auth/login?return_to=/api/v1/session`);
  if (response.status !== 200)
    throw new Error(`sign-in ended with ${response.status}: ${await response.text()}`);
  const session = (await response.json()) as { csrfToken: string; login: string };
  if (session.login !== login) throw new Error(`signed in as ${session.login}, not ${login}`);
  return { csrfToken: session.csrfToken, hops };
}
