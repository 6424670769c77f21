// Turns a comment body into a typed `/agent` command. Pure: no I/O, never throws.
//
// A command is a line that starts with `/agent` (after at most three spaces, as in Markdown;
// four or more make an indented code block). Only a line people see as text counts: never one in
// a fenced code block, a quote, an HTML comment, a `<pre>`/`<code>`/`<textarea>`/`<script>`/
// `<style>`/`<template>` element or an element marked hidden. The first command line wins; the
// prompt is the rest of that line plus every following line of the comment. classifyDelivery
// asks this parser too, so what is queued and what is read always agree.

import { encode } from '../render/encode.ts';

export const SUBCOMMANDS = [
  'status',
  'cancel',
  'retry',
  'approve',
  'reject',
  'help',
  'doctor',
  'schedules',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export type RunFlags = { engine?: string };

export type Command =
  | {
      kind: 'run';
      prompt: string;
      flags: RunFlags;
      /** `/agent plan …` (the pipeline `plan`) or `/agent run <pipeline> …`. */
      pipeline?: string;
      /** For `/agent run <word> …`: the whole text as a plain request, should no pipeline be named <word>. */
      asPrompt?: string;
    }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'doctor' }
  | { kind: 'schedules' }
  | { kind: 'replan'; taskId?: number; feedback: string }
  | { kind: 'cancel' | 'retry' | 'approve'; taskId?: number }
  | { kind: 'reject'; taskId?: number; reason?: string };

export type ParseResult =
  | { found: false }
  | { found: true; ok: true; command: Command }
  | { found: true; ok: false; error: string };

export type ParseOptions = { maxPromptLength: number };

export const DEFAULT_PARSE_OPTIONS: ParseOptions = { maxPromptLength: 20_000 };

const COMMAND_LINE = /^ {0,3}\/agent(?=$|[ \t])(.*)$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const QUOTE = /^ {0,3}>/;
const TASK_REF = /^#?([1-9][0-9]{0,15})$/;
const ENGINE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const FLAGS = ['engine'] as const;

/** Elements whose content is code or not shown: a command inside them never counts. */
const RAW_OPEN =
  /<(pre|code|textarea|script|style|template|xmp|listing|plaintext|noscript)\b[^>]*>|<([a-z][a-z0-9-]*)\b[^>]*\s(?:hidden|aria-hidden\s*=\s*["']?true|style\s*=\s*["'][^"']*display\s*:\s*none)[^>]*>/i;

type Hidden = { until: RegExp } | undefined;

/** Whether `line`, outside any hidden region, leaves one open: an HTML comment or a raw element. */
function opensHidden(line: string): Hidden {
  let rest = line;
  for (;;) {
    const comment = rest.indexOf('<!--');
    const raw = RAW_OPEN.exec(rest);
    if (comment < 0 && !raw) return undefined;
    if (comment >= 0 && (!raw || comment < raw.index)) {
      const close = rest.indexOf('-->', comment + 4);
      if (close < 0) return { until: /-->/ };
      rest = rest.slice(close + 3);
      continue;
    }
    const name = (raw![1] ?? raw![2])!.toLowerCase();
    const until = new RegExp(`</${name}\\s*>`, 'i');
    const after = rest.slice(raw!.index + raw![0].length);
    const close = until.exec(after);
    if (!close) return { until };
    rest = after.slice(close.index + close[0].length);
  }
}

/** Finds the first command line that people see as text. */
function findCommandLine(lines: string[]): { index: number; rest: string } | undefined {
  let fence: string | undefined;
  let hidden: Hidden;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (fence) {
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/)?.[1];
      if (close && close[0] === fence[0] && close.length >= fence.length) fence = undefined;
      continue;
    }
    if (hidden) {
      const close = hidden.until.exec(line);
      // What follows the end of a hidden region on the same line is never a command line.
      if (close) hidden = opensHidden(line.slice(close.index + close[0].length));
      continue;
    }
    const open = line.match(FENCE_OPEN)?.[1];
    if (open) {
      fence = open;
      continue;
    }
    const match = QUOTE.test(line) ? null : COMMAND_LINE.exec(line);
    if (match) return { index, rest: match[1] ?? '' };
    hidden = opensHidden(line);
  }
  return undefined;
}

function parseTaskRef(token: string | undefined): number | undefined | 'invalid' {
  if (token === undefined) return undefined;
  const match = TASK_REF.exec(token);
  if (!match?.[1]) return 'invalid';
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : 'invalid';
}

/**
 * `/agent <word> [#id]` is a subcommand only when the whole line fits its grammar, so a prompt
 * that merely starts with one of these words ("/agent help me write tests") stays a prompt.
 */
function parseSubcommand(firstLine: string): Command | undefined {
  const words = firstLine.trim().split(/\s+/);
  const word = words[0]?.toLowerCase();
  if (!SUBCOMMANDS.includes(word as Subcommand)) return undefined;
  const kind = word as Subcommand;
  if (kind === 'status' || kind === 'help' || kind === 'doctor' || kind === 'schedules')
    return words.length === 1 ? { kind } : undefined;
  const taskId = parseTaskRef(words[1]);
  if (taskId === 'invalid') return undefined;
  if (kind === 'reject') {
    const reason = words.slice(2).join(' ').trim();
    return { kind, ...(taskId !== undefined && { taskId }), ...(reason && { reason }) };
  }
  if (words.length > 2) return undefined;
  return { kind, ...(taskId !== undefined && { taskId }) };
}

type FlagParse = { flags: RunFlags; rest: string } | { error: string };

/** Leading `--name value` / `--name=value` flags; the prompt starts at the first other word. */
function parseFlags(text: string): FlagParse {
  const flags: RunFlags = {};
  let rest = text.trimStart();
  while (rest.startsWith('--')) {
    const match = /^--([a-z-]*)(?:=(\S*)|[ \t]+([^\s]+)|(?=\s|$))/.exec(rest);
    const name = match?.[1] ?? '';
    if (!match || !FLAGS.includes(name as (typeof FLAGS)[number])) {
      const shown = rest.split(/\s/)[0] ?? rest;
      return {
        error: `unknown flag ${encode(shown, 'span', { max: 40 })}; the only flag is \`--engine <name>\``,
      };
    }
    const value = match[2] ?? match[3];
    if (!value) return { error: `\`--${name}\` needs a value, e.g. \`--engine claude-code\`` };
    if (!ENGINE_NAME.test(value))
      return { error: `${encode(value, 'span', { max: 40 })} is not an engine name` };
    if (flags.engine !== undefined) return { error: '`--engine` is given twice' };
    flags.engine = value;
    rest = rest.slice(match[0].length).trimStart();
  }
  return { flags, rest };
}

export function parseCommand(body: string, options: ParseOptions = DEFAULT_PARSE_OPTIONS): ParseResult {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const found = findCommandLine(lines);
  if (!found) return { found: false };

  const subcommand = parseSubcommand(found.rest);
  if (subcommand) return { found: true, ok: true, command: subcommand };

  const text = [found.rest, ...lines.slice(found.index + 1)].join('\n');
  const pipeline = parsePipelineWords(text);
  if (pipeline?.kind === 'replan') return { found: true, ok: true, command: pipeline };
  const parsedFlags = parseFlags(pipeline ? pipeline.rest : text);
  if ('error' in parsedFlags) return { found: true, ok: false, error: parsedFlags.error };
  const prompt = parsedFlags.rest.trim();
  if (prompt === '') {
    return {
      found: true,
      ok: false,
      error: 'the command has no task; say what the agent should do after `/agent`',
    };
  }
  if (prompt.length > options.maxPromptLength) {
    return {
      found: true,
      ok: false,
      error: `the task is ${prompt.length} characters long; the limit is ${options.maxPromptLength}. Shorten it or put the details in the issue body`,
    };
  }
  const command: Command = { kind: 'run', prompt, flags: parsedFlags.flags };
  if (pipeline?.kind === 'pipeline') {
    command.pipeline = pipeline.name;
    if (pipeline.asPrompt !== undefined) command.asPrompt = pipeline.asPrompt.trim();
  }
  return { found: true, ok: true, command };
}

type PipelineWords =
  | { kind: 'pipeline'; name: string; rest: string; asPrompt?: string }
  | Extract<Command, { kind: 'replan' }>;

const PIPELINE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** `plan <task>`, `run <pipeline> <task>`, `replan [#task] <feedback>`; undefined for anything else. */
function parsePipelineWords(text: string): PipelineWords | undefined {
  const match = /^[ \t]*(plan|run|replan)(?=\s|$)\s*([\s\S]*)$/i.exec(text);
  if (!match) return undefined;
  const word = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (word === 'plan') return { kind: 'pipeline', name: 'plan', rest };
  if (word === 'replan') {
    const first = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    const taskId = parseTaskRef(first?.[1]);
    if (typeof taskId === 'number') return { kind: 'replan', taskId, feedback: first![2]!.trim() };
    return { kind: 'replan', feedback: rest.trim() };
  }
  const named = /^([a-z][a-z0-9-]{0,39})(?=\s)\s*([\s\S]*)$/.exec(rest);
  if (!named || !PIPELINE_NAME.test(named[1]!)) return undefined;
  return { kind: 'pipeline', name: named[1]!, rest: named[2]!, asPrompt: text };
}
