// The transcript as people read it, like a CI log viewer: what the agent said as text; each tool
// call folded to one line (tool and the start of its input) that opens to the whole input; a
// result shown under its call, collapsed to its first lines when long; file edits and usage as
// short notes. The page and its live updates render items with this same function.
import { html } from 'hono/html';
import type { TranscriptEvent } from '../../contract/transcript.ts';
import type { StoredTranscriptEvent } from '../../store/transcripts.ts';
import { count, firstLine, type Html, usd } from './format.ts';

const SHORT_LINES = 6;
const SHORT_CHARS = 600;

function body(event: TranscriptEvent): Html {
  switch (event.kind) {
    case 'text':
      return html`<div class="tx-text">${event.text}</div>`;
    case 'tool_call':
      return html`<details class="tx-call"><summary><span class="tool">${event.tool}</span> <code>${firstLine(event.input, 100)}</code></summary><pre>${event.input}</pre></details>`;
    case 'tool_result': {
      const lines = event.output.split('\n');
      const mark = event.isError ? 'error' : 'result';
      const cut = event.truncated ? html` <span class="muted">(cut by the job)</span>` : '';
      if (lines.length <= SHORT_LINES && event.output.length <= SHORT_CHARS)
        return html`<div class="tx-result ${mark}"><pre>${event.output}</pre>${cut}</div>`;
      return html`<details class="tx-result ${mark}"><summary>${event.isError ? 'Error' : 'Result'}: ${lines.length} lines${cut}<pre class="peek">${lines.slice(0, 3).join('\n')}</pre></summary><pre>${event.output}</pre></details>`;
    }
    case 'file_edit':
      return html`<div class="tx-edit">✎ ${event.action} <code>${event.path}</code></div>`;
    case 'usage':
      return html`<div class="tx-usage muted">usage: ${count(event.turns)} turns · ${count(event.inputTokens)} in / ${count(event.outputTokens)} out tokens · ${usd(event.costUsd)}</div>`;
    case 'truncated':
      return html`<div class="tx-truncated notice wait">${event.reason}</div>`;
  }
}

export function transcriptItem(item: StoredTranscriptEvent): Html {
  return html`<li id="tx-${item.id}" class="tx tx-${item.event.kind}" data-id="${item.id}" data-attempt="${item.attempt}">${body(item.event)}</li>`;
}
