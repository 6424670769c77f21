// What the runner does with each line a step prints: workflow commands (`::add-mask::`,
// `::error::`, `::group::`, `::stop-commands::`, …) are acted on, and every line that reaches
// the log has the secrets and masked values replaced by `***`.

export type Annotation = {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
  step: string;
};

/** Values to hide from the log, longest first so overlapping values are fully hidden. Like
 *  the runner, a value is also hidden in its base64, JSON-string and URL-encoded forms, and
 *  each line of a multi-line value is hidden on its own (lines shorter than four characters
 *  excepted, so a JSON key's braces do not mask every brace in the log). */
export class Masker {
  #values: string[] = [];

  add(value: string): void {
    const whole = value.trim();
    if (whole === '') return;
    const lines = value
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length >= 4 && line !== whole);
    for (const candidate of [whole, ...lines]) {
      const forms = [
        candidate,
        Buffer.from(candidate).toString('base64').replace(/=+$/, ''),
        JSON.stringify(candidate).slice(1, -1),
        encodeURIComponent(candidate),
      ];
      for (const form of forms) if (form !== '' && !this.#values.includes(form)) this.#values.push(form);
    }
    this.#values.sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join('***');
    return out;
  }
}

function unescapeData(value: string): string {
  return value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return unescapeData(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

type Command = { name: string; properties: Record<string, string>; data: string };

export function parseCommand(line: string): Command | undefined {
  const text = line.trimStart();
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end === -1) return undefined;
  const head = text.slice(2, end);
  const space = head.indexOf(' ');
  const name = space === -1 ? head : head.slice(0, space);
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space !== -1) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, properties, data: unescapeData(text.slice(end + 2)) };
}

const COMMAND_NAMES = [
  'add-mask',
  'error',
  'warning',
  'notice',
  'debug',
  'group',
  'endgroup',
  'stop-commands',
  'echo',
  'set-output',
  'save-state',
  'set-env',
  'add-path',
  'add-matcher',
  'remove-matcher',
];

export type StepLog = {
  /** Handles one line of the step's output. */
  line(text: string): void;
  /** Writes a line from the runner itself (masked, never parsed as a command). */
  write(text: string): void;
  /** A command failed the step (e.g. the disabled `set-env`). */
  readonly failed: boolean;
};

export function createStepLog(options: {
  step: string;
  masker: Masker;
  debug: boolean;
  emit: (line: string) => void;
  annotate: (annotation: Annotation) => void;
}): StepLog {
  let stopToken: string | undefined;
  let echo = false;
  let failed = false;
  const write = (text: string) => options.emit(options.masker.mask(text));
  const annotate = (level: Annotation['level'], message: string, properties: Record<string, string> = {}) => {
    options.annotate({ level, message: options.masker.mask(message), properties, step: options.step });
    write(`##[${level}]${message}`);
  };

  function handle(command: Command, raw: string): void {
    if (echo && command.name !== 'add-mask') write(raw);
    switch (command.name) {
      case 'add-mask':
        if (command.data.trim() === '')
          annotate('warning', "Can't add secret mask for empty string in ##[add-mask] command.");
        else options.masker.add(command.data);
        return;
      case 'error':
      case 'warning':
      case 'notice':
        annotate(command.name, command.data, command.properties);
        return;
      case 'debug':
        if (options.debug) write(`##[debug]${command.data}`);
        return;
      case 'group':
        write(`##[group]${command.data}`);
        return;
      case 'endgroup':
        write('##[endgroup]');
        return;
      case 'stop-commands':
        if (command.data === '' || COMMAND_NAMES.includes(command.data)) {
          annotate(
            'error',
            `Invalid stop-commands token '${command.data}': it must not be empty or a command name.`,
          );
          return;
        }
        stopToken = command.data;
        return;
      case 'echo':
        echo = command.data.trim().toLowerCase() === 'on';
        return;
      case 'set-output':
      case 'save-state':
        // Deprecated: values are not recorded; environment files replace them.
        annotate(
          'warning',
          `The \`${command.name}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files.`,
        );
        return;
      case 'set-env':
      case 'add-path':
        failed = true;
        annotate(
          'error',
          `Unable to process command '${raw.trim()}' successfully.\nThe \`${command.name}\` command is disabled. Please upgrade to using Environment Files.`,
        );
        return;
      case 'add-matcher':
      case 'remove-matcher':
        return;
      default:
        write(raw);
    }
  }

  return {
    line(text) {
      if (stopToken !== undefined) {
        if (text.trim() === `::${stopToken}::`) stopToken = undefined;
        else write(text);
        return;
      }
      const command = parseCommand(text);
      if (command) handle(command, text);
      else write(text);
    },
    write,
    get failed() {
      return failed;
    },
  };
}
