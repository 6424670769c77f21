// Who performs a change: a user, or an App acting through its bot user.
import type { Principal } from '../auth/principal.ts';
import type { SimCore } from '../core.ts';
import { actionsBot } from './accounts.ts';

export type Actor = { userId: number; appId: number | null };

export function actorOf(sim: SimCore, principal: Principal): Actor {
  switch (principal.kind) {
    case 'installation':
      return { userId: principal.app.botUserId, appId: principal.app.id };
    case 'user':
      return { userId: principal.user.id, appId: null };
    case 'job':
      return { userId: actionsBot(sim).id, appId: null };
    case 'app':
      return { userId: principal.app.botUserId, appId: principal.app.id };
    case 'anonymous':
      throw new Error('simulator: an anonymous request cannot change anything');
  }
}
