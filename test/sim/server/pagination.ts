// `page`/`per_page` pagination with a Link header, as GitHub's list endpoints do.
import type { RouteContext } from './route.ts';

export type Page<T> = { items: T[]; headers: Record<string, string> };

export function pageParams(query: URLSearchParams): { page: number; perPage: number } {
  const perPage = Math.min(100, Math.max(1, Number.parseInt(query.get('per_page') ?? '30', 10) || 30));
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  return { page, perPage };
}

/** The concrete path of the current route (template parameters filled in). */
export function concretePath(ctx: Pick<RouteContext, 'route' | 'params'>): string {
  return ctx.route.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encodeURIComponent(ctx.params[name] ?? ''),
  );
}

export function paginate<T>(
  ctx: Pick<RouteContext, 'core' | 'query' | 'route' | 'params'>,
  all: T[],
): Page<T> {
  const path = concretePath(ctx);
  const { page, perPage } = pageParams(ctx.query);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const link = (target: number) => {
    const params = new URLSearchParams(ctx.query);
    params.set('per_page', String(perPage));
    params.set('page', String(target));
    return `<${ctx.core.apiUrl}${path}?${params.toString()}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${link(page - 1)}; rel="prev"`);
  if (page < lastPage) parts.push(`${link(page + 1)}; rel="next"`);
  if (page < lastPage) parts.push(`${link(lastPage)}; rel="last"`);
  if (page > 1) parts.push(`${link(1)}; rel="first"`);
  return { items, headers: parts.length > 0 ? { link: parts.join(', ') } : {} };
}
