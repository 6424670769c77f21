// The one credential detector: recognises common credential formats in text and reports the
// kind, never the value (callers get the value only to compare it or to cut it out). Pure.
const PATTERNS: { name: string; pattern: RegExp }[] = [
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { name: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
  { name: 'AWS access key id', pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  {
    name: 'AWS secret access key',
    pattern: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/gi,
  },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'Google service account key', pattern: /"type"\s*:\s*"service_account"/g },
  { name: 'Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  {
    name: 'OpenAI API key',
    pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}/g,
  },
  { name: 'OpenAI project key', pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/g },
  { name: 'OpenRouter API key', pattern: /\bsk-or-v1-[0-9a-f]{64}\b/g },
  { name: 'Groq API key', pattern: /\bgsk_[A-Za-z0-9]{48,}\b/g },
  { name: 'xAI API key', pattern: /\bxai-[A-Za-z0-9]{60,}\b/g },
  { name: 'Google OAuth client secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}\b/g },
  { name: 'Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{34,}\b/g },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { name: 'PyPI token', pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { name: 'Docker Hub token', pattern: /\bdckr_pat_[A-Za-z0-9_-]{27,}/g },
  { name: 'Slack token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  {
    name: 'Slack webhook URL',
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/g,
  },
  { name: 'SendGrid API key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g },
  { name: 'Stripe secret key', pattern: /\b[sr]k_live_[0-9A-Za-z]{20,}/g },
  { name: 'Azure storage key', pattern: /AccountKey=[A-Za-z0-9+/]{80,}={0,2}/g },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----/g },
  // Bearer tokens of the job itself (the OIDC token, the runtime token) are JWTs.
  {
    name: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/g,
  },
];

export type CredentialMatch = { kind: string; value: string };

/** Every credential-looking string in `text`, with its kind. */
export function credentialMatches(text: string): CredentialMatch[] {
  const found: CredentialMatch[] = [];
  for (const { name, pattern } of PATTERNS) {
    for (const match of text.matchAll(pattern)) found.push({ kind: name, value: match[0] });
  }
  return found;
}

/** The kinds of credential that `text` holds (each once). */
export function findCredentials(text: string): string[] {
  return [...new Set(credentialMatches(text).map((m) => m.kind))];
}

const PRIVATE_KEY_BLOCK =
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----|$)/g;

/**
 * `text` with every credential-shaped run replaced by `[redacted <kind>]`, and the kinds found.
 * The transcript (action and App) uses the same patterns the policy checks a patch with.
 */
export function redactCredentials(text: string): { text: string; kinds: string[] } {
  const kinds = new Set<string>();
  // A key block is redacted whole, not only its first line.
  let out = text.replace(PRIVATE_KEY_BLOCK, () => {
    kinds.add('private key');
    return '[redacted private key]';
  });
  for (const { name, pattern } of PATTERNS) {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
    );
    out = out.replace(global, () => {
      kinds.add(name);
      return `[redacted ${name}]`;
    });
  }
  return { text: out, kinds: [...kinds] };
}
