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
    '| `/agent retry [task]` | Start a new attempt of a failed, cancelled or timed-out task (a pipeline resumes at its failed step). |',
    '| `/agent approve [task]` / `/agent reject [task] [reason]` | Approve or reject a request waiting for a maintainer, or the plan a pipeline waits on. |',
    '| `/agent plan <task>` | Plan first: the agent writes a plan and changes nothing; it is implemented once approved. |',
    '| `/agent replan [task] <feedback>` | Ask for a new plan (it needs a new approval). |',
    '| `/agent run <pipeline> <task>` | Run a pipeline named in `.github/agent.yml`. |',
    '| `/agent schedules` | List the schedules of this repository with their next fire time. |',
    "| `/agent doctor` | Check this repository's setup and the App's (people with write access). |",
    '| `/agent help` | Show this help. |',
    '',
    'Text in code blocks and quotes never starts a command.',
  ].join('\n');
}
