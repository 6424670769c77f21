import { describe, expect, it } from 'vitest';
import { gateRequestFrom } from '../../../src/core/gate/gate-request.ts';

const payload = (over: Record<string, unknown> = {}) => ({
  action: 'requested',
  environment: 'agent',
  event: 'workflow_dispatch',
  deployment_callback_url:
    'https://api.github.com/repos/acme/widgets/actions/runs/4242/deployment_protection_rule',
  repository: { id: 10, name: 'widgets', owner: { login: 'acme' } },
  installation: { id: 3 },
  ...over,
});

describe('gateRequestFrom', () => {
  it('takes the run id from the callback URL', () => {
    expect(gateRequestFrom(payload())).toEqual({
      installationId: 3,
      repo: { id: 10, owner: 'acme', name: 'widgets' },
      environment: 'agent',
      event: 'workflow_dispatch',
      runId: 4242,
    });
  });

  it('reads a GitHub Enterprise Server callback URL', () => {
    const request = gateRequestFrom(
      payload({
        deployment_callback_url:
          'https://ghe.example/api/v3/repos/ACME/Widgets/actions/runs/5/deployment_protection_rule',
      }),
    );
    expect(request).toMatchObject({ runId: 5 });
  });

  it.each([
    [{ deployment_callback_url: 'not a url' }, 'is not a URL'],
    [
      {
        deployment_callback_url:
          'https://api.github.com/repos/acme/widgets/actions/runs/x/deployment_protection_rule',
      },
      'names no workflow run',
    ],
    [
      {
        deployment_callback_url:
          'https://api.github.com/repos/evil/other/actions/runs/1/deployment_protection_rule',
      },
      'names another repository',
    ],
    [
      {
        deployment_callback_url:
          'https://api.github.com/repos/acme/widgets/actions/runs/0/deployment_protection_rule',
      },
      'bad run id',
    ],
    [{ environment: '' }, 'names no environment'],
    [{ installation: undefined }, 'names no installation'],
  ])('refuses %j', (over, why) => {
    expect(gateRequestFrom(payload(over))).toEqual({ invalid: expect.stringContaining(why) });
  });
});
