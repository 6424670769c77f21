// Pure: how large the result gets, checked before file contents are read (from blob sizes) and
// again on the final body, against the task's limits.maxResultBytes.
import { ActionError } from '../action-error.ts';
import type { RawEntry } from './git-records.ts';

export const GITLINK = '160000';

/** JSON keys, quotes and mode of one change, roughly. */
const PER_CHANGE_OVERHEAD = 80;

export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** The encoded size of the changes, from the paths and the sizes of their blobs. */
export function estimateBytes(entries: readonly RawEntry[], blobSizes: ReadonlyMap<string, number>): number {
  let estimate = 0;
  for (const entry of entries) {
    estimate += PER_CHANGE_OVERHEAD + Buffer.byteLength(entry.path);
    if (entry.status !== 'deleted')
      estimate += base64Length(entry.mode === GITLINK ? entry.oid.length : (blobSizes.get(entry.oid) ?? 0));
  }
  return estimate;
}

export function resultTooLarge(bytes: number, limit: number, files: number): ActionError {
  return new ActionError(
    'result-too-large',
    `The change (${files} file${files === 1 ? '' : 's'}, about ${bytes} bytes encoded) is larger than the task's limit of ${limit} bytes (limits.maxResultBytes), so it was not sent. Ask for a smaller change, or make sure generated files are in .gitignore.`,
  );
}
