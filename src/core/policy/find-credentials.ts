// Recognises common credential formats in text. Reports the kind, never the value. Pure.
const PATTERNS: { name: string; pattern: RegExp }[] = [
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { name: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/ },
  { name: 'AWS access key id', pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/ },
  {
    name: 'AWS secret access key',
    pattern: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i,
  },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'Google service account key', pattern: /"type"\s*:\s*"service_account"/ },
  { name: 'Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/ },
  {
    name: 'OpenAI API key',
    pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}/,
  },
  { name: 'OpenAI project key', pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/ },
  { name: 'Google OAuth client secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}\b/ },
  { name: 'Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{34,}\b/ },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'Stripe secret key', pattern: /\b[sr]k_live_[0-9A-Za-z]{20,}/ },
  { name: 'Azure storage key', pattern: /AccountKey=[A-Za-z0-9+/]{80,}={0,2}/ },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----/ },
];

export function findCredentials(lines: string[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    for (const { name, pattern } of PATTERNS) {
      if (pattern.test(line)) found.add(name);
    }
  }
  return [...found];
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
