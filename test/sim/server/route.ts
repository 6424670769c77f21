// What a REST route declares: method, GitHub's path template, who may call it, and its handler.
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../auth/principal.ts';
import type { SimCore } from '../core.ts';
import type { PermissionLevel, Repo, RepoRole } from '../state/types.ts';

export type Access =
  /** Anyone, with or without credentials. */
  | { kind: 'public' }
  /** An App JWT. */
  | { kind: 'app' }
  /** An installation, job or user token acting on the repository named by `{owner}/{repo}`. */
  | {
      kind: 'repo';
      permission: string;
      level: Exclude<PermissionLevel, 'admin'>;
      /** Another permission that also allows the route (e.g. pull_requests for comments on a PR). */
      or?: string;
      userRole?: RepoRole;
    };

export type RouteContext = {
  core: SimCore;
  route: Route;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  principal: Principal;
  /** The repository of `{owner}/{repo}` routes, already checked against the principal. */
  repo: Repo;
};

export type RouteResponse = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (raw file contents, plain-text logs). */
  raw?: { data: Buffer | string; contentType: string };
};

export type Route = {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  access: Access;
  /** A content-creating request, counted for the secondary rate limit. */
  creates?: boolean;
  handle(ctx: RouteContext): RouteResponse | Promise<RouteResponse>;
};

export function json(status: number, body: unknown, headers?: Record<string, string>): RouteResponse {
  return headers ? { status, body, headers } : { status, body };
}

export function noContent(): RouteResponse {
  return { status: 204 };
}
