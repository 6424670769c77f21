// Reads an action's metadata (action.yml) and finds where a `uses:` value points.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export type ActionInput = { description?: string; required?: boolean; default?: string };

export type ActionDefinition = {
  name: string;
  dir: string;
  inputs: Record<string, ActionInput>;
  runs:
    | {
        using: 'node';
        version: string;
        main: string;
        pre?: string;
        post?: string;
        preIf?: string;
        postIf?: string;
      }
    | { using: 'composite' | 'docker' | string };
};

export class ActionError extends Error {}

export function loadAction(dir: string): ActionDefinition {
  const file = ['action.yml', 'action.yaml'].map((name) => path.join(dir, name)).find((f) => existsSync(f));
  if (!file) throw new ActionError(`Can't find 'action.yml' or 'action.yaml' under '${dir}'`);
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new ActionError(`${file} is empty or not a mapping`);
  const runs = doc.runs as Record<string, unknown> | undefined;
  if (!runs || typeof runs.using !== 'string') throw new ActionError(`${file}: runs.using is required`);
  const inputs: Record<string, ActionInput> = {};
  for (const [name, raw] of Object.entries((doc.inputs as Record<string, unknown> | undefined) ?? {})) {
    const spec = (raw ?? {}) as Record<string, unknown>;
    inputs[name] = {
      description: typeof spec.description === 'string' ? spec.description : undefined,
      required: spec.required === true || spec.required === 'true',
      default: spec.default === undefined || spec.default === null ? undefined : String(spec.default),
    };
  }
  const node = /^node(\d+)$/.exec(runs.using);
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    name: typeof doc.name === 'string' ? doc.name : path.basename(dir),
    dir,
    inputs,
    runs: node
      ? {
          using: 'node',
          version: node[1]!,
          main: str(runs.main) ?? '',
          pre: str(runs.pre),
          post: str(runs.post),
          preIf: str(runs['pre-if']),
          postIf: str(runs['post-if']),
        }
      : { using: runs.using },
  };
}

/** Where a `uses:` value points: a directory given by the test (exact value, or the value
 *  without its `@ref`), or a local `./path` in the workspace. */
export function resolveActionDir(
  uses: string,
  actions: Record<string, string>,
  workspace: string,
): string | undefined {
  if (actions[uses]) return actions[uses];
  const withoutRef = uses.split('@')[0]!;
  if (actions[withoutRef]) return actions[withoutRef];
  if (uses.startsWith('./')) return path.resolve(workspace, uses);
  return undefined;
}

export function isCheckout(uses: string): boolean {
  return /^actions\/checkout@/i.test(uses);
}

/** INPUT_<NAME> the way the runner names it: spaces become underscores, upper case. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
