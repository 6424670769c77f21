import { describe, expect, it } from 'vitest';
import { FileCommandError, parseKeyValueFile } from './file-commands.ts';
import { type Annotation, createStepLog, Masker, parseCommand } from './workflow-commands.ts';

function stepLog(lines: string[], options: { debug?: boolean } = {}) {
  const emitted: string[] = [];
  const annotations: Annotation[] = [];
  const masker = new Masker();
  const log = createStepLog({
    step: 'step',
    masker,
    debug: options.debug ?? false,
    emit: (line) => emitted.push(line),
    annotate: (annotation) => annotations.push(annotation),
  });
  for (const line of lines) log.line(line);
  return { emitted, annotations, failed: log.failed, masker };
}

describe('parseCommand', () => {
  it.each([
    ['::error::plain', { name: 'error', properties: {}, data: 'plain' }],
    [
      '  ::warning file=a.ts,line=2,title=T%3A x%2C y::multi%0Aline 100%25',
      {
        name: 'warning',
        properties: { file: 'a.ts', line: '2', title: 'T: x, y' },
        data: 'multi\nline 100%',
      },
    ],
    ['::endgroup::', { name: 'endgroup', properties: {}, data: '' }],
  ])('%s', (line, expected) => {
    expect(parseCommand(line)).toEqual(expected);
  });

  it.each(['plain text', ':: not a command', '::no-end', 'echo ::error::x'])('leaves %j alone', (line) => {
    expect(parseCommand(line)).toBeUndefined();
  });
});

describe('step log', () => {
  it('turns annotations and groups into log markers', () => {
    const { emitted, annotations } = stepLog([
      '::group::Install',
      'npm ci',
      '::endgroup::',
      '::notice title=n::fyi',
      '::debug::hidden',
    ]);

    expect(emitted).toEqual(['##[group]Install', 'npm ci', '##[endgroup]', '##[notice]fyi']);
    expect(annotations).toEqual([
      { level: 'notice', message: 'fyi', properties: { title: 'n' }, step: 'step' },
    ]);
  });

  it('shows debug lines when step debugging is on', () => {
    expect(stepLog(['::debug::visible'], { debug: true }).emitted).toEqual(['##[debug]visible']);
  });

  it('masks a value from the ::add-mask:: line on, including each line of a multi-line value', () => {
    const { emitted } = stepLog([
      'token abc123',
      '::add-mask::abc123',
      'token abc123 again',
      '::add-mask::first-line%0Asecond-line%0A}',
      'first-line and second-line, } untouched',
    ]);

    expect(emitted).toEqual(['token abc123', 'token *** again', '*** and ***, } untouched']);
  });

  it('stops processing commands between ::stop-commands:: and the token', () => {
    const { emitted, annotations } = stepLog([
      '::stop-commands::tok123',
      '::error::shown as text',
      '::tok123::',
      '::error::processed',
    ]);

    expect(emitted).toEqual(['::error::shown as text', '##[error]processed']);
    expect(annotations.map((a) => a.message)).toEqual(['processed']);
  });

  it('refuses the disabled set-env and add-path commands by failing the step', () => {
    const { failed, emitted } = stepLog(['::set-env name=NODE_OPTIONS::--require=/tmp/x.js']);

    expect(failed).toBe(true);
    expect(emitted[0]).toContain('The `set-env` command is disabled');
  });

  it('ignores the deprecated set-output command, with a warning', () => {
    const { annotations } = stepLog(['::set-output name=x::y']);

    expect(annotations).toMatchObject([
      { level: 'warning', message: expect.stringContaining('`set-output` command is deprecated') },
    ]);
  });

  it('masks the base64, JSON and URL forms of a value too', () => {
    const masker = new Masker();
    masker.add('p@ss "word"/x');

    // Padding stays visible, as with the runner's base64 encoder.
    expect(masker.mask(Buffer.from('p@ss "word"/x').toString('base64'))).toMatch(/^\*\*\*=*$/);
    expect(masker.mask(JSON.stringify({ k: 'p@ss "word"/x' }))).toBe('{"k":"***"}');
    expect(masker.mask(`?q=${encodeURIComponent('p@ss "word"/x')}`)).toBe('?q=***');
  });

  it('masks the longest value first', () => {
    const masker = new Masker();
    masker.add('abc');
    masker.add('abcdef');

    expect(masker.mask('abcdef abc')).toBe('*** ***');
  });
});

describe('environment files', () => {
  it('reads NAME=value lines and NAME<<DELIMITER blocks', () => {
    const text = 'A=1\nB=x=y\r\nMULTI<<ghadelimiter_1\nline 1\n\nline 3\nghadelimiter_1\n\nC=\n';

    expect(parseKeyValueFile(text, 'env')).toEqual({ A: '1', B: 'x=y', MULTI: 'line 1\n\nline 3', C: '' });
  });

  it.each([
    ['an unterminated block', 'X<<EOF\nvalue\n', "Matching delimiter not found 'EOF'"],
    ['a line without = or <<', 'JUSTTEXT\n', "Invalid format 'JUSTTEXT'"],
    ['an empty name', '=value\n', "Invalid format '=value'"],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseKeyValueFile(text, 'output')).toThrow(FileCommandError);
    expect(() => parseKeyValueFile(text, 'output')).toThrow(message);
  });
});
