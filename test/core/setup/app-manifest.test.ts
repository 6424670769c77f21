import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  githubWebUrl,
  reachableByGitHub,
  registrationUrl,
} from '../../../src/core/setup/app-manifest.ts';
import { nextStepsPage, registrationPage } from '../../../src/core/setup/setup-pages.ts';

const base = {
  name: 'Agent Dispatch',
  default_permissions: { contents: 'write' },
  default_events: ['issue_comment'],
};

describe('buildManifest', () => {
  it('puts the webhook at PUBLIC_URL + WEBHOOK_PATH and every other URL under PUBLIC_URL', () => {
    const manifest = buildManifest(base, {
      publicUrl: 'https://agents.example.com/',
      webhookPath: '/hooks/github',
    });
    expect(manifest).toEqual({
      ...base,
      url: 'https://agents.example.com/setup/installed',
      public: false,
      hook_attributes: { url: 'https://agents.example.com/hooks/github', active: true },
      redirect_url: 'https://agents.example.com/setup/registered',
      setup_url: 'https://agents.example.com/setup/installed',
      setup_on_update: true,
    });
  });

  it('keeps the App private unless app.yml says public: true', () => {
    expect(
      buildManifest({ public: 'yes' }, { publicUrl: 'https://a.example', webhookPath: '/w' }).public,
    ).toBe(false);
    expect(
      buildManifest({ public: true }, { publicUrl: 'https://a.example', webhookPath: '/w' }).public,
    ).toBe(true);
  });
});

describe('githubWebUrl and registrationUrl', () => {
  it.each([
    ['https://api.github.com', 'https://github.com'],
    ['https://github.acme.internal/api/v3', 'https://github.acme.internal'],
    ['https://github.acme.internal/api/v3/', 'https://github.acme.internal'],
    ['https://api.octo.ghe.com', 'https://octo.ghe.com'],
    ['http://127.0.0.1:4000/api/v3', 'http://127.0.0.1:4000'],
  ])('%s → %s', (api, web) => {
    expect(githubWebUrl(api)).toBe(web);
  });

  it('registers under the personal account, or a valid organization name', () => {
    expect(registrationUrl('https://github.com', 's1')).toBe('https://github.com/settings/apps/new?state=s1');
    expect(registrationUrl('https://github.com', 's1', 'acme')).toBe(
      'https://github.com/organizations/acme/settings/apps/new?state=s1',
    );
    expect(registrationUrl('https://github.com', 's1', '../evil')).toBe(
      'https://github.com/settings/apps/new?state=s1',
    );
  });
});

describe('reachableByGitHub', () => {
  it.each([
    ['https://agents.example.com', true],
    ['https://203.0.113.7', true],
    ['http://localhost:3000', false],
    ['http://127.0.0.1:3000', false],
    ['http://[::1]:3000', false],
    ['http://10.1.2.3', false],
    ['http://172.20.0.5', false],
    ['http://192.168.1.10', false],
    ['http://build.local', false],
  ])('%s → %s', (url, reachable) => {
    expect(reachableByGitHub(url)).toBe(reachable);
  });
});

describe('setup pages', () => {
  const manifest = buildManifest(base, { publicUrl: 'https://a.example', webhookPath: '/w' });

  it('escapes what they show, and warn when GitHub cannot reach the webhook', () => {
    const html = registrationPage({
      manifest,
      actionUrl: 'https://github.com/settings/apps/new?state=x&y=<z>',
      org: undefined,
      reachable: false,
    });
    expect(html).toContain('action="https://github.com/settings/apps/new?state=x&amp;y=&lt;z&gt;"');
    expect(html).toContain('GitHub cannot deliver webhooks to <code>https://a.example/w</code>');
    expect(html).not.toContain('<script');
    expect(
      registrationPage({ manifest, actionUrl: 'https://g', org: 'acme', reachable: true }),
    ).not.toContain('cannot deliver');
  });

  it('tell what to do after installing, with the URL to put in AGENT_DISPATCH_URL', () => {
    const html = nextStepsPage({ publicUrl: 'https://a.example' });
    expect(html).toContain('<code>AGENT_DISPATCH_URL</code> = <code>https://a.example</code>');
    expect(html).toContain('/agent doctor');
  });
});
