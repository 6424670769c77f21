// Users, bots and organizations as GitHub's `simple-user` and `public-user`.
import type { SimCore } from '../core.ts';
import type { Account } from '../state/types.ts';

export function userJson(core: SimCore, account: Account) {
  const api = `${core.apiUrl}/users/${encodeURIComponent(account.login)}`;
  const htmlLogin = account.type === 'Bot' ? `apps/${account.login.replace(/\[bot\]$/, '')}` : account.login;
  return {
    login: account.login,
    id: account.id,
    node_id: account.nodeId,
    avatar_url: `${core.url}/avatars/u/${account.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${core.url}/${htmlLogin}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function publicUserJson(core: SimCore, account: Account) {
  return {
    ...userJson(core, account),
    name: account.name,
    company: null,
    blog: '',
    location: null,
    email: account.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: account.createdAt,
    updated_at: account.createdAt,
  };
}
