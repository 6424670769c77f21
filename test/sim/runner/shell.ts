// How the runner starts a `run:` script: the shell templates GitHub documents for Linux
// (docs: actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsshell).

export type ShellInvocation = {
  command: string;
  args: (scriptPath: string) => string[];
  /** As the log prints it, e.g. `/usr/bin/bash -e {0}`. */
  display: string;
  extension: string;
};

function template(parts: string[], extension: string): ShellInvocation {
  const [command, ...rest] = parts;
  return {
    command: command!,
    args: (scriptPath) => rest.map((part) => part.replace('{0}', scriptPath)),
    display: parts.join(' '),
    extension,
  };
}

/** `explicit` is false when neither the step nor `defaults.run.shell` names a shell: the runner
 *  then uses `bash -e {0}`; a named `bash` adds `--noprofile --norc -o pipefail`. */
export function shellInvocation(shell: string | undefined, explicit: boolean): ShellInvocation {
  const name = (shell ?? 'bash').trim();
  if (!explicit || name === '') return template(['bash', '-e', '{0}'], '.sh');
  switch (name) {
    case 'bash':
      return template(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'], '.sh');
    case 'sh':
      return template(['sh', '-e', '{0}'], '.sh');
    case 'python':
      return template(['python3', '{0}'], '.py');
    default: {
      // A custom shell: `command [options] {0}`; the script path is appended when {0} is absent.
      const parts = name.split(/\s+/);
      return template(parts.some((part) => part.includes('{0}')) ? parts : [...parts, '{0}'], '');
    }
  }
}
