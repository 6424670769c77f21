// What leaves the job in a transcript is redacted first: every secret value the action holds
// (values it masked, credential-named variables of its environment), then anything shaped like a
// credential (the App's policy patterns, JSON web tokens such as the job's OIDC token among them; any other
// three-part token shape is hidden as well).
import { redactCredentials } from '../../../src/core/policy/find-credentials.ts';

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
/** Shorter values are too likely to appear by chance to be worth hiding (and would hide words). */
const MIN_SECRET_LENGTH = 6;

export type Redactor = { addSecret(value: string): void; redact(text: string): string };

export function createRedactor(env: Record<string, string | undefined> = {}): Redactor {
  const secrets = new Set<string>();
  const add = (value: string | undefined) => {
    const trimmed = value?.trim();
    if (trimmed && trimmed.length >= MIN_SECRET_LENGTH) secrets.add(trimmed);
  };
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) add(value);
  return {
    addSecret: add,
    redact(text) {
      let out = text;
      for (const secret of [...secrets].sort((a, b) => b.length - a.length))
        if (out.includes(secret)) out = out.split(secret).join('[redacted secret]');
      out = redactCredentials(out).text;
      return out.replace(JWT, '[redacted token]');
    },
  };
}
