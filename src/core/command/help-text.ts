// The text of `/agent help`, also appended to every reply about a malformed command.
export function helpText(options: { engines: string[]; defaultEngine: string }): string {
  return [
    '**Agent Dispatch commands** (at the start of a comment or of a line):',
    '',
    '| Command | What it does |',
    '| --- | --- |',
    '| `/agent <task>` | Run a coding agent on this issue or pull request; its work comes back as a pull request for review. |',
    `| \`/agent --engine <name> <task>\` | Pick the engine (${options.engines.map((e) => `\`${e}\``).join(', ')}; default \`${options.defaultEngine}\`). |`,
    '| `/agent status` | List the tasks of this issue or pull request. |',
    '| `/agent cancel [task]` | Cancel a task (the latest live one by default). |',
    '| `/agent retry [task]` | Start a new attempt of a failed, cancelled or timed-out task. |',
    '| `/agent approve [task]` / `/agent reject [task] [reason]` | Approve or reject a request waiting for a maintainer. |',
    "| `/agent doctor` | Check this repository's setup and the App's (people with write access). |",
    '| `/agent help` | Show this help. |',
    '',
    'Text in code blocks and quotes never starts a command.',
  ].join('\n');
}
