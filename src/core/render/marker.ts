// Hidden markers in comments the App makes, so they can be found again. Pure.

/** `<!-- agent-dispatch:KIND=ID -->`: invisible when rendered, unique per thing the App made. */
export function marker(kind: string, id: string | number): string {
  return `<!-- agent-dispatch:${kind}=${id} -->`;
}
