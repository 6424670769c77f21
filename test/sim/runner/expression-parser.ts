// Parses a GitHub Actions expression (the text inside `${{ }}`) into a syntax tree.

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Token =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number };

export type ExpressionNode =
  | { type: 'literal'; value: unknown }
  | { type: 'context'; name: string; pos: number }
  | { type: 'member'; object: ExpressionNode; property: ExpressionNode }
  | { type: 'call'; name: string; args: ExpressionNode[]; pos: number }
  | { type: 'not'; operand: ExpressionNode }
  | { type: 'binary'; op: string; left: ExpressionNode; right: ExpressionNode };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', '.', ','];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const pos = i + 1;
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length)
          throw new ExpressionError(
            `Unexpected end of expression: missing closing quote. Located at position ${pos} within expression: ${text}`,
          );
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'string', value, pos });
      continue;
    }
    const number = /^(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)/.exec(text.slice(i));
    if (number && !/[A-Za-z_]/.test(text[i + number[0].length] ?? '')) {
      tokens.push({ kind: 'number', value: Number(number[0]), pos });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', value: ident[0], pos });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (!op)
      throw new ExpressionError(
        `Unexpected symbol: '${ch}'. Located at position ${pos} within expression: ${text}`,
      );
    tokens.push({ kind: 'op', value: op, pos });
    i += op.length;
  }
  return tokens;
}

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
};

export function parseExpression(text: string): ExpressionNode {
  const tokens = tokenize(text);
  let index = 0;
  const peek = () => tokens[index];
  const fail = (message: string, token = peek()): never => {
    throw new ExpressionError(
      `${message}. Located at position ${token?.pos ?? text.length + 1} within expression: ${text}`,
    );
  };
  const expectOp = (value: string) => {
    const token = peek();
    if (token?.kind !== 'op' || token.value !== value) fail(`Expected '${value}'`);
    index++;
  };

  function primary(): ExpressionNode {
    const token = peek();
    if (!token) return fail('Unexpected end of expression');
    index++;
    if (token.kind === 'number' || token.kind === 'string') return { type: 'literal', value: token.value };
    if (token.kind === 'op') {
      if (token.value === '(') {
        const inner = binary(0);
        expectOp(')');
        return inner;
      }
      return fail(`Unexpected symbol: '${token.value}'`, token);
    }
    const word = token.value;
    if (word === 'true' || word === 'false') return { type: 'literal', value: word === 'true' };
    if (word === 'null') return { type: 'literal', value: null };
    const next = peek();
    if (next?.kind === 'op' && next.value === '(') {
      index++;
      const args: ExpressionNode[] = [];
      if (!(peek()?.kind === 'op' && peek()?.value === ')')) {
        for (;;) {
          args.push(binary(0));
          if (peek()?.kind === 'op' && peek()?.value === ',') {
            index++;
            continue;
          }
          break;
        }
      }
      expectOp(')');
      return { type: 'call', name: word, args, pos: token.pos };
    }
    return { type: 'context', name: word, pos: token.pos };
  }

  function postfix(node: ExpressionNode): ExpressionNode {
    for (;;) {
      const token = peek();
      if (token?.kind !== 'op') return node;
      if (token.value === '.') {
        index++;
        const name = peek();
        if (name?.kind !== 'ident') return fail('Expected a property name after .');
        index++;
        node = { type: 'member', object: node, property: { type: 'literal', value: name.value } };
      } else if (token.value === '[') {
        index++;
        const property = binary(0);
        expectOp(']');
        node = { type: 'member', object: node, property };
      } else {
        return node;
      }
    }
  }

  function unary(): ExpressionNode {
    const token = peek();
    if (token?.kind === 'op' && token.value === '!') {
      index++;
      return { type: 'not', operand: unary() };
    }
    return postfix(primary());
  }

  function binary(minPrecedence: number): ExpressionNode {
    let left = unary();
    for (;;) {
      const token = peek();
      const op = token?.kind === 'op' ? token.value : undefined;
      const precedence = op === undefined ? undefined : BINARY_PRECEDENCE[op];
      if (op === undefined || precedence === undefined || precedence < minPrecedence) return left;
      index++;
      const right = binary(precedence + 1);
      left = { type: 'binary', op, left, right };
    }
  }

  const node = binary(0);
  if (index < tokens.length) fail(`Unexpected symbol: '${String(peek()?.value)}'`);
  return node;
}
