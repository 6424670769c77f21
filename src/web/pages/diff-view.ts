// A change's unified diff (git's output) as a page shows it: a list of the files with their added
// and removed line counts, then each file's hunks with added, removed and context lines marked.
// Only lines are classified; nothing is re-diffed.
import { html } from 'hono/html';
import type { Html } from './format.ts';

type FileDiff = { path: string; lines: string[]; added: number; removed: number };

const MAX_LINES = 4000;

export function splitDiff(patch: string): FileDiff[] {
  const files: FileDiff[] = [];
  let current: FileDiff | undefined;
  for (const line of patch.split('\n')) {
    const header = /^diff --git a\/(.+?) b\/(.+)$/.exec(line);
    if (header) {
      current = { path: header[2]!, lines: [], added: 0, removed: 0 };
      files.push(current);
      continue;
    }
    if (!current) continue;
    if (
      /^(index |--- |\+\+\+ |new file mode|deleted file mode|similarity|rename |old mode|new mode)/.test(line)
    ) {
      if (/^(new file mode|deleted file mode|rename )/.test(line)) current.lines.push(line);
      continue;
    }
    current.lines.push(line);
    if (line.startsWith('+')) current.added++;
    else if (line.startsWith('-')) current.removed++;
  }
  return files;
}

function lineClass(line: string): string {
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith('\\') || /^(new file mode|deleted file mode|rename )/.test(line)) return 'meta';
  return 'ctx';
}

export function diffView(patch: string): Html {
  const files = splitDiff(patch);
  if (files.length === 0) return html`<p class="empty">The job proposed no change.</p>`;
  let budget = MAX_LINES;
  const id = (i: number) => `file-${i}`;
  return html`<ul class="diff-files">${files.map(
    (f, i) =>
      html`<li><a href="#${id(i)}"><code>${f.path}</code></a> <span class="add">+${f.added}</span> <span class="del">−${f.removed}</span></li>`,
  )}</ul>
${files.map((f, i) => {
  const shown = f.lines.slice(0, Math.max(0, budget));
  budget -= shown.length;
  return html`<details class="diff-file" id="${id(i)}" open><summary><code>${f.path}</code> <span class="add">+${f.added}</span> <span class="del">−${f.removed}</span></summary>
<div class="diff-body" tabindex="0" role="region" aria-label="Changes of ${f.path}"><pre>${shown.map((line) => html`<span class="${lineClass(line)}">${line}</span>`)}</pre></div>${shown.length < f.lines.length ? html`<p class="muted">${f.lines.length - shown.length} more lines are not shown.</p>` : ''}</details>`;
})}`;
}
