// Every REST route the simulator knows.
import type { Route } from '../server/route.ts';
import { actionRoutes } from './actions.ts';
import { appHookRoutes } from './app-hooks.ts';
import { appRoutes } from './apps.ts';
import { checkRoutes } from './checks.ts';
import { contentRoutes } from './contents.ts';
import { deliveryRoutes } from './deliveries.ts';
import { environmentRoutes } from './environments.ts';
import { gitDataRoutes } from './git-data.ts';
import { issueRoutes } from './issues.ts';
import { labelRoutes } from './labels.ts';
import { pullRoutes } from './pulls.ts';
import { reactionRoutes } from './reactions.ts';
import { repoRoutes } from './repos.ts';
import { userRoutes } from './user.ts';

export const allRoutes: Route[] = [
  ...appRoutes,
  ...appHookRoutes,
  ...deliveryRoutes,
  ...repoRoutes,
  ...issueRoutes,
  ...labelRoutes,
  ...reactionRoutes,
  ...pullRoutes,
  ...checkRoutes,
  ...gitDataRoutes,
  ...contentRoutes,
  ...actionRoutes,
  ...environmentRoutes,
  ...userRoutes,
];
