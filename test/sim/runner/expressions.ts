// The `${{ }}` expression language of GitHub Actions, as far as a runner needs it: contexts
// (github, inputs, secrets, vars, env, steps, job, runner, …), literals, property access,
// `! == != < <= > >= && ||`, the status functions and the common string functions.
// Semantics follow GitHub's: case-insensitive string comparison and property names, loose
// comparison through numbers when types differ, `&&`/`||` yielding an operand.
import { ExpressionError, type ExpressionNode, parseExpression } from './expression-parser.ts';

export { ExpressionError };

export type JobStatus = 'success' | 'failure' | 'cancelled';

export type ExpressionContext = {
  /** Named values: github, inputs, secrets, vars, env, steps, job, runner, needs, matrix, strategy. */
  contexts: Record<string, unknown>;
  /** The job's status so far, for success() / failure() / cancelled(). */
  status?: JobStatus;
};

function typeOf(value: unknown): 'null' | 'boolean' | 'number' | 'string' | 'object' {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return 'object';
}

export function truthy(value: unknown): boolean {
  switch (typeOf(value)) {
    case 'null':
      return false;
    case 'boolean':
      return value as boolean;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'string':
      return value !== '';
    default:
      return true;
  }
}

function toNumber(value: unknown): number {
  switch (typeOf(value)) {
    case 'null':
      return 0;
    case 'boolean':
      return value ? 1 : 0;
    case 'number':
      return value as number;
    case 'string': {
      const text = (value as string).trim();
      if (text === '') return 0;
      return /^[+-]?(0x[0-9a-f]+|\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/i.test(text)
        ? Number(text)
        : Number.NaN;
    }
    default:
      return Number.NaN;
  }
}

/** How a value reads when substituted into text (and passed to string functions). */
export function toText(value: unknown): string {
  switch (typeOf(value)) {
    case 'null':
      return '';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return String(value);
    case 'string':
      return value as string;
    default:
      return JSON.stringify(value, null, 2);
  }
}

function looseEquals(left: unknown, right: unknown): boolean {
  const lt = typeOf(left);
  const rt = typeOf(right);
  if (lt === rt) {
    if (lt === 'string') return (left as string).toLowerCase() === (right as string).toLowerCase();
    if (lt === 'null') return true;
    return left === right;
  }
  const l = toNumber(left);
  const r = toNumber(right);
  return !Number.isNaN(l) && !Number.isNaN(r) && l === r;
}

function compare(left: unknown, right: unknown): number {
  if (typeOf(left) === 'string' && typeOf(right) === 'string') {
    const l = (left as string).toLowerCase();
    const r = (right as string).toLowerCase();
    return l < r ? -1 : l > r ? 1 : 0;
  }
  const l = toNumber(left);
  const r = toNumber(right);
  if (Number.isNaN(l) || Number.isNaN(r)) return Number.NaN;
  return l - r;
}

function property(object: unknown, key: unknown): unknown {
  if (object === null || typeof object !== 'object') return null;
  if (Array.isArray(object)) {
    const index = toNumber(key);
    return Number.isInteger(index) && index >= 0 ? (object[index] ?? null) : null;
  }
  const name = toText(key);
  const map = object as Record<string, unknown>;
  if (Object.hasOwn(map, name)) return map[name] ?? null;
  const lower = name.toLowerCase();
  const match = Object.keys(map).find((k) => k.toLowerCase() === lower);
  return match === undefined ? null : (map[match] ?? null);
}

function format(template: string, args: unknown[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const i = Number(index);
    if (i >= args.length)
      throw new ExpressionError(
        `format: the template '${template}' refers to argument ${i}, which was not given`,
      );
    return toText(args[i]);
  });
}

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'];

function call(
  node: Extract<ExpressionNode, { type: 'call' }>,
  ctx: ExpressionContext,
  text: string,
): unknown {
  const name = node.name.toLowerCase();
  const args = () => node.args.map((arg) => evaluateNode(arg, ctx, text));
  const arity = (min: number, max = min) => {
    if (node.args.length < min || node.args.length > max) {
      throw new ExpressionError(
        `${node.name}() takes ${min === max ? min : `${min} to ${max}`} arguments. Located at position ${node.pos} within expression: ${text}`,
      );
    }
  };
  const status = ctx.status ?? 'success';
  switch (name) {
    case 'success':
      arity(0);
      return status === 'success';
    case 'failure':
      arity(0);
      return status === 'failure';
    case 'cancelled':
      arity(0);
      return status === 'cancelled';
    case 'always':
      arity(0);
      return true;
    case 'contains': {
      arity(2);
      const [search, item] = args();
      if (Array.isArray(search)) return search.some((element) => looseEquals(element, item));
      return toText(search).toLowerCase().includes(toText(item).toLowerCase());
    }
    case 'startswith': {
      arity(2);
      const [value, prefix] = args();
      return toText(value).toLowerCase().startsWith(toText(prefix).toLowerCase());
    }
    case 'endswith': {
      arity(2);
      const [value, suffix] = args();
      return toText(value).toLowerCase().endsWith(toText(suffix).toLowerCase());
    }
    case 'format': {
      if (node.args.length < 1) arity(1, Number.POSITIVE_INFINITY);
      const [template, ...rest] = args();
      return format(toText(template), rest);
    }
    case 'join': {
      arity(1, 2);
      const [value, separator] = args();
      const sep = node.args.length > 1 ? toText(separator) : ',';
      return Array.isArray(value) ? value.map(toText).join(sep) : toText(value);
    }
    case 'tojson':
      arity(1);
      return JSON.stringify(args()[0] ?? null, null, 2);
    case 'fromjson': {
      arity(1);
      const source = toText(args()[0]);
      try {
        return JSON.parse(source);
      } catch {
        throw new ExpressionError(
          `fromJSON: '${source}' is not valid JSON. Located at position ${node.pos} within expression: ${text}`,
        );
      }
    }
    default:
      throw new ExpressionError(
        `Unrecognized function: '${node.name}'. Located at position ${node.pos} within expression: ${text}`,
      );
  }
}

function evaluateNode(node: ExpressionNode, ctx: ExpressionContext, text: string): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'context': {
      const key = Object.keys(ctx.contexts).find((k) => k.toLowerCase() === node.name.toLowerCase());
      if (key === undefined) {
        throw new ExpressionError(
          `Unrecognized named-value: '${node.name}'. Located at position ${node.pos} within expression: ${text}`,
        );
      }
      return ctx.contexts[key] ?? null;
    }
    case 'member':
      return property(evaluateNode(node.object, ctx, text), evaluateNode(node.property, ctx, text));
    case 'call':
      return call(node, ctx, text);
    case 'not':
      return !truthy(evaluateNode(node.operand, ctx, text));
    case 'binary': {
      if (node.op === '&&') {
        const left = evaluateNode(node.left, ctx, text);
        return truthy(left) ? evaluateNode(node.right, ctx, text) : left;
      }
      if (node.op === '||') {
        const left = evaluateNode(node.left, ctx, text);
        return truthy(left) ? left : evaluateNode(node.right, ctx, text);
      }
      const left = evaluateNode(node.left, ctx, text);
      const right = evaluateNode(node.right, ctx, text);
      switch (node.op) {
        case '==':
          return looseEquals(left, right);
        case '!=':
          return !looseEquals(left, right);
        case '<':
          return compare(left, right) < 0;
        case '<=':
          return compare(left, right) <= 0;
        case '>':
          return compare(left, right) > 0;
        default:
          return compare(left, right) >= 0;
      }
    }
  }
}

function usesStatusFunction(node: ExpressionNode): boolean {
  switch (node.type) {
    case 'call':
      return STATUS_FUNCTIONS.includes(node.name.toLowerCase()) || node.args.some(usesStatusFunction);
    case 'member':
      return usesStatusFunction(node.object) || usesStatusFunction(node.property);
    case 'not':
      return usesStatusFunction(node.operand);
    case 'binary':
      return usesStatusFunction(node.left) || usesStatusFunction(node.right);
    default:
      return false;
  }
}

/** Evaluates one expression (the text between `${{` and `}}`). */
export function evaluate(expression: string, ctx: ExpressionContext): unknown {
  return evaluateNode(parseExpression(expression), ctx, expression.trim());
}

/** Finds the `}}` that closes an expression starting at `start`, skipping string literals. */
function closingBraces(text: string, start: number): number {
  let inString = false;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "'") inString = !inString;
    else if (!inString && text.startsWith('}}', i)) return i;
  }
  return -1;
}

/** Replaces every `${{ expr }}` in a string by the value's text, as the runner does before a
 *  `run:` script is written or an input is passed. */
export function substitute(text: string, ctx: ExpressionContext): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = text.indexOf('${{', i);
    if (open === -1) return out + text.slice(i);
    const close = closingBraces(text, open + 3);
    if (close === -1)
      throw new ExpressionError(`Unclosed expression: the \${{ at offset ${open} has no matching }}`);
    out += text.slice(i, open) + toText(evaluate(text.slice(open + 3, close), ctx));
    i = close + 2;
  }
}

/** Evaluates an `if:` condition: `${{ }}` is optional, and a condition that calls no status
 *  function means `success() && (condition)`. An absent condition means `success()`. */
export function evaluateCondition(condition: string | undefined, ctx: ExpressionContext): boolean {
  let text = (condition ?? '').trim();
  if (text === '') return (ctx.status ?? 'success') === 'success';
  if (text.startsWith('${{') && text.endsWith('}}') && closingBraces(text, 3) === text.length - 2) {
    text = text.slice(3, -2);
  } else if (text.includes('${{')) {
    // A condition mixing text and expressions is a string, which is truthy when not empty.
    text = `'${substitute(text, ctx).replace(/'/g, "''")}'`;
  }
  const node = parseExpression(text);
  const value = evaluateNode(node, ctx, text.trim());
  if (usesStatusFunction(node)) return truthy(value);
  return (ctx.status ?? 'success') === 'success' && truthy(value);
}
