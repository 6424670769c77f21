// Decides, from the event alone, whether a delivery needs work. Every delivery is recorded (so
// the redelivery reconciler knows it arrived); only these are queued, with their payload.
const COMMAND_HINT = /(^|\n)[ \t]*\/agent\b/;

export type DeliveryClass = 'process' | 'ignore';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function classifyDelivery(event: string, payload: Record<string, unknown>): DeliveryClass {
  const action = text(payload.action);
  switch (event) {
    case 'issue_comment':
    case 'pull_request_review_comment': {
      // Only new comments start work; edits and deletions never do.
      if (action !== 'created') return 'ignore';
      const body = text((payload.comment as { body?: unknown } | undefined)?.body);
      return COMMAND_HINT.test(body) ? 'process' : 'ignore';
    }
    case 'workflow_run':
    case 'workflow_job':
    case 'deployment_protection_rule':
    case 'pull_request':
    case 'pull_request_review':
    case 'installation':
    case 'installation_repositories':
      return 'process';
    default:
      return 'ignore';
  }
}
