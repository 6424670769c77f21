// Matches a method and path against GitHub path templates. A trailing `{path}`, `{ref}` or `{branch}`
// also matches slashes (clients may send them encoded or not); other parameters match one segment.
import type { Route } from './route.ts';

type Compiled = { route: Route; exact: RegExp; greedy: RegExp | null; names: string[] };
export type RouteMatch = { route: Route; params: Record<string, string> };

const greedyNames = new Set(['path', 'ref', 'branch']);

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const exact = source.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const last = names[names.length - 1];
  const endsWithParam = route.path.endsWith(`{${last}}`);
  const greedy =
    last && endsWithParam && greedyNames.has(last)
      ? new RegExp(`^${exact.replace(/\(\[\^\/\]\+\)$/, '(.+)')}$`)
      : null;
  return { route, exact: new RegExp(`^${exact}$`), greedy, names };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export type Router = {
  match(method: string, path: string): RouteMatch | null;
  /** True when some route has this path (for any method). */
  knowsPath(path: string): boolean;
  routes: Route[];
};

export function createRouter(routes: Route[]): Router {
  const compiled = routes.map(compile);
  const find = (method: string | null, path: string): RouteMatch | null => {
    for (const pass of ['exact', 'greedy'] as const) {
      for (const entry of compiled) {
        if (method && entry.route.method !== method) continue;
        const pattern = pass === 'exact' ? entry.exact : entry.greedy;
        const found = pattern?.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        entry.names.forEach((name, i) => {
          params[name] = decode(found[i + 1] ?? '');
        });
        return { route: entry.route, params };
      }
    }
    return null;
  };
  return {
    routes,
    match: (method, path) => find(method, path.length > 1 ? path.replace(/\/+$/, '') : path),
    knowsPath: (path) => find(null, path) !== null,
  };
}
