// Meters the upstream's answer to a model call as it streams past, without changing it: the
// usage meter (usage-meter.ts) reads every chunk, and what it read is recorded once the answer
// has ended. An answer that is not a success (status 300 and above) is not read.
import type { IncomingMessage } from 'node:http';
import type { ModelCall } from './provider-routes.ts';
import { createUsageMeter, type MeteredCall, type Provider } from './usage-meter.ts';

export function meterAnswer(
  answer: IncomingMessage,
  provider: Provider,
  call: ModelCall,
  record: (metered: MeteredCall) => void,
): void {
  if ((answer.statusCode ?? 0) >= 300) return;
  const meter = createUsageMeter({
    provider,
    contentType: answer.headers['content-type'],
    modelHint: call.model,
  });
  answer.on('data', (chunk: Buffer) => meter.feed(chunk));
  answer.on('end', () => record(meter.end()));
}
