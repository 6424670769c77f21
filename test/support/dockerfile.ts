// The Dockerfile, read with dockerfile-ast (the parser of the Dockerfile language server): its
// stages, and what the last one copies, sets and runs. No Docker daemon on these machines: the
// install test repeats the image's steps from these instructions instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DOCKERFILE_TEXT = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

export type Stage = {
  name: string | undefined;
  image: string;
  instructions: { keyword: string; args: string[]; text: string }[];
};

export function stages(): Stage[] {
  const file = DockerfileParser.parse(DOCKERFILE_TEXT);
  const args = new Map(
    file
      .getInstructions()
      .filter((i) => i.getKeyword() === 'ARG')
      .map((i) => (i.getArgumentsContent() ?? '').split('=') as [string, string]),
  );
  return file.getFROMs().map((from) => {
    const start = from.getRange().start.line;
    const end =
      file
        .getFROMs()
        .find((other) => other.getRange().start.line > start)
        ?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    return {
      name: from.getBuildStage() ?? undefined,
      image: (from.getImage() ?? '').replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? ''),
      instructions: file
        .getInstructions()
        .filter((i) => i.getRange().start.line > start && i.getRange().start.line < end)
        .map((i) => ({
          keyword: i.getKeyword(),
          args: i.getArguments().map((a) => a.getValue()),
          text: i.getArgumentsContent() ?? '',
        })),
    };
  });
}

/** `["node", "x.ts"]` → ['node', 'x.ts']. */
export function execForm(text: string): string[] {
  return JSON.parse(text.replace(/^CMD\s+/, '')) as string[];
}
