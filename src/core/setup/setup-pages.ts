// The pages of the registration flow, server-rendered, no script. Pure: data in, HTML out.
import type { AppManifest } from './app-manifest.ts';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
code{background:#f6f8fa;padding:.1em .3em;border-radius:4px}.warn{border-left:4px solid #bf8700;padding:.5rem 1rem;background:#fff8c5}
button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #1f883d;background:#1f883d;color:#fff;cursor:pointer}
input{font:inherit;padding:.3rem}li{margin:.3rem 0}</style></head>
<body>${body}</body></html>`;
}

export type RegistrationPage = {
  manifest: AppManifest;
  /** Where the form posts the manifest (GitHub's "new App" page, with the flow's state). */
  actionUrl: string;
  org: string | undefined;
  /** False when GitHub cannot reach PUBLIC_URL (localhost, a private address). */
  reachable: boolean;
};

export function registrationPage(view: RegistrationPage): string {
  const hook = view.manifest.hook_attributes.url;
  const where = view.org ? `the organization <code>${escapeHtml(view.org)}</code>` : 'your personal account';
  const warning = view.reachable
    ? ''
    : `<p class="warn">GitHub cannot deliver webhooks to <code>${escapeHtml(hook)}</code>: it is not a public address.
Set <code>PUBLIC_URL</code> to the public HTTPS URL that reaches this server (a tunnel or your deployment's URL),
restart, and reload this page. See docs/install.md, step 2.</p>`;
  return page(
    'Register Agent Dispatch',
    `<h1>Register the Agent Dispatch GitHub App</h1>
<p>No GitHub App credentials are configured yet. This creates the App from <code>app.yml</code> under ${where}, with:</p>
<ul><li>webhook URL <code>${escapeHtml(hook)}</code></li>
<li>after registration, back to <code>${escapeHtml(view.manifest.redirect_url)}</code>: the credentials are saved to <code>.env</code> and the App starts with them, no restart needed</li>
<li>after installation, the next steps at <code>${escapeHtml(view.manifest.setup_url)}</code></li></ul>
${warning}
<form action="${escapeHtml(view.actionUrl)}" method="post">
<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(view.manifest))}">
<button type="submit">Register on GitHub</button></form>
<form method="get" action="/"><p>Register it under an organization instead:
<input name="org" placeholder="organization" value="${escapeHtml(view.org ?? '')}"> <button type="submit">Use this organization</button></p></form>`,
  );
}

export type NextSteps = { publicUrl: string };

/** What a maintainer does once the App is installed (GitHub's `setup_url`, and the App's home page). */
export function nextStepsPage(view: NextSteps): string {
  return page(
    'Agent Dispatch: next steps',
    `<h1>Agent Dispatch is running</h1>
<p>In each repository that should take <code>/agent</code> commands (the App installed on it — and on the
organization's <code>.github</code> repository for org-wide defaults):</p>
<ol><li>Copy <code>workflows-templates/agent.yml</code> from Agent Dispatch to <code>.github/workflows/agent.yml</code>.</li>
<li>Create a repository (or organization) variable <code>AGENT_DISPATCH_URL</code> = <code>${escapeHtml(view.publicUrl)}</code>.</li>
<li>Create an environment named <code>agent</code> with the engine's key as a secret (<code>ANTHROPIC_API_KEY</code>, <code>OPENAI_API_KEY</code> or <code>GEMINI_API_KEY</code>); add required reviewers to gate runs.</li>
<li>Optionally add <code>.github/agent.yml</code>.</li>
<li>Comment <code>/agent doctor</code> on an issue: the App answers with a checklist of what is set up and what is missing. Then <code>/agent &lt;task&gt;</code>.</li></ol>
<p>The whole path, step by step: docs/install.md of Agent Dispatch.</p>`,
  );
}

export function setupErrorPage(message: string): string {
  return page(
    'Agent Dispatch: registration failed',
    `<h1>Registration did not complete</h1><p>${escapeHtml(message)}</p><p><a href="/">Start again</a></p>`,
  );
}
