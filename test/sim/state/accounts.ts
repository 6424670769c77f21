// Users, bots and organizations.
import type { SimCore } from '../core.ts';
import { isoNow, nodeId } from './ids.ts';
import { accountByLogin } from './store.ts';
import type { Account, AccountType } from './types.ts';

export function addAccount(
  sim: SimCore,
  login: string,
  type: AccountType,
  fields: { name?: string; email?: string; id?: number } = {},
): Account {
  const existing = accountByLogin(sim.store, login);
  if (existing) {
    if (existing.type !== type) throw new Error(`simulator: ${login} already exists as a ${existing.type}`);
    return existing;
  }
  const id = fields.id ?? sim.store.ids.next('user');
  const account: Account = {
    id,
    nodeId: nodeId(type, id),
    login,
    type,
    name: fields.name ?? null,
    email: fields.email ?? null,
    createdAt: isoNow(sim.clock.now()),
  };
  sim.store.accounts.set(id, account);
  return account;
}

/** The bot GitHub Actions acts as (`github-actions[bot]`, the same id as on github.com). */
export function actionsBot(sim: SimCore): Account {
  return addAccount(sim, 'github-actions[bot]', 'Bot', { id: 41898282 });
}
