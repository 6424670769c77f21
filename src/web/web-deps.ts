import type { AppDeps } from '../flows/app-deps.ts';
import type { UserApi } from '../github/user-api.ts';
import type { ActivityFeed } from './live/activity-feed.ts';
import type { Sealer } from './secrets.ts';
import type { StreamHub } from './stream-hub.ts';

/** What the sign-in, API and dashboard routes need, built once per process. */
export type WebDeps = AppDeps & {
  userApi: UserApi;
  sealer: Sealer;
  hub: StreamHub;
  /** Task events across tasks, live (the dashboard's activity stream and task table). */
  activity: ActivityFeed;
  /** The public URL is https: cookies are Secure (and `__Host-` prefixed). */
  secure: boolean;
};
