// Meters the upstream's answer to a model call as it streams past, without changing it: the
// usage meter (usage-meter.ts) reads every chunk as it arrives, what it has read so far is
// reported as the call's running cost, and what the call used is recorded once — when the
// answer has ended, or when it stops early (the engine hung up, the upstream broke off), with
// what it did not report estimated. An answer that is not a success (status 300 and above) is
// not billed and not read.
import type { IncomingMessage } from 'node:http';
import { costOf } from './prices.ts';
import { createUsageMeter, type MeteredCall, type Provider, type UsageMeter } from './usage-meter.ts';

/** How an exchange ended (forward-request.ts). */
export type ExchangeEnd =
  /** The answer was read to its end. */
  | 'ended'
  /** The answer had started and stopped before its end. */
  | 'cut'
  /** The engine hung up before an answer came. */
  | 'abandoned'
  /** The upstream could not be reached or failed before answering. */
  | 'unreached';

export type CallMeter = {
  /** The upstream's answer has started. */
  answer(answer: IncomingMessage): void;
  /** The exchange is over. Records once. */
  done(end: ExchangeEnd): void;
};

export function meterCall(options: {
  provider: Provider;
  /** The model the request names (the answer may name it too). */
  model: string | null;
  requestBytes: number;
  /** The cost read so far, as it grows (for admission). */
  running(usd: number): void;
  record(metered: MeteredCall): void;
}): CallMeter {
  let meter: UsageMeter | null = null;
  let billed = true;
  let recorded = false;
  return {
    answer(answer) {
      if ((answer.statusCode ?? 0) >= 300) {
        billed = false;
        return;
      }
      const current = createUsageMeter({
        provider: options.provider,
        contentType: answer.headers['content-type'],
        modelHint: options.model,
        requestBytes: options.requestBytes,
      });
      meter = current;
      answer.on('data', (chunk: Buffer) => {
        current.feed(chunk);
        const { model, tokens } = current.current();
        const usd = model === null ? null : costOf(model, tokens);
        if (usd !== null) options.running(usd);
      });
    },
    done(end) {
      if (recorded) return;
      recorded = true;
      if (!billed || end === 'unreached') return;
      // No answer yet when the engine hung up: the prompt may have been read and billed, so its
      // input counts at the estimate.
      const current =
        meter ??
        createUsageMeter({
          provider: options.provider,
          contentType: undefined,
          modelHint: options.model,
          requestBytes: options.requestBytes,
        });
      options.record(current.end(end === 'ended' && meter !== null));
    },
  };
}
