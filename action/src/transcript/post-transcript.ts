// POST …/tasks/{id}/transcript with the job's OIDC token (docs/runner-api.md). No retries of its
// own: the sink drops a batch the App does not take, so a slow App never holds the engine up.
import { transcriptAnswerSchema } from '../../../src/contract/transcript.ts';
import type { TokenSource } from '../runner-api/token-source.ts';
import type { TranscriptPoster } from './transcript-sink.ts';

const TIMEOUT_MS = 15_000;

export function createTranscriptPoster(options: {
  appUrl: string;
  taskId: number;
  tokens: TokenSource;
  fetch?: typeof fetch;
}): TranscriptPoster {
  const url = `${options.appUrl.replace(/\/+$/, '')}/api/runner/v1/tasks/${options.taskId}/transcript`;
  const fetchImpl = options.fetch ?? fetch;
  return async (batch) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${await options.tokens.get()}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (!response.ok)
      throw new Error(`the App answered ${response.status}: ${body?.error?.message ?? 'no message'}`);
    return transcriptAnswerSchema.parse(body);
  };
}
