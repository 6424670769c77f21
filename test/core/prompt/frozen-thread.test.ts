import { describe, expect, it } from 'vitest';
import { type FrozenThread, selectComments, threadChanges } from '../../../src/core/prompt/frozen-thread.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();
const listed = (id: number, minute: number, body = `c${id}`, authorType = 'User') => ({
  id,
  author: `u${id}`,
  authorType,
  body,
  createdAt: at(minute),
});

describe('selectComments', () => {
  const command = { kind: 'issue_comment' as const, id: 5, createdAt: at(5) };

  it('keeps people’s comments written before the request, oldest first, not the command itself', () => {
    const all = [
      listed(3, 3),
      listed(1, 1),
      listed(4, 4, 'bot', 'Bot'),
      listed(5, 5),
      listed(6, 6),
      listed(2, 2),
    ];
    expect(selectComments(all, command).map((c) => c.id)).toEqual([1, 2, 3]);
  });

  it('keeps the most recent 20', () => {
    const all = Array.from({ length: 30 }, (_, i) => listed(i + 100, 0));
    const later = { ...command, id: 1000 };
    expect(selectComments(all, later)).toHaveLength(20);
    expect(selectComments(all, later)[0]?.id).toBe(110);
  });

  it('compares review comments by time, not by id (their ids are another sequence)', () => {
    const review = { kind: 'review_comment' as const, id: 5, createdAt: at(5) };
    expect(selectComments([listed(5, 1), listed(2, 5), listed(9, 9)], review).map((c) => c.id)).toEqual([5]);
  });
});

describe('threadChanges', () => {
  const thread: FrozenThread = {
    title: 'T',
    body: 'B',
    htmlUrl: '',
    comments: [
      { id: 1, author: 'a', body: 'one' },
      { id: 2, author: 'b', body: 'two' },
    ],
    requestedAt: at(5),
    frozenAt: at(6),
  };
  const frozen = { prompt: 'add tests', thread };

  it('finds nothing when nothing changed', () => {
    expect(threadChanges(frozen, { prompt: 'add tests', thread: structuredClone(thread) })).toEqual([]);
  });

  it.each([
    [{ prompt: 'rm -rf /' }, ['the command comment was edited']],
    [{ prompt: undefined }, ['the command comment no longer holds an `/agent` request']],
    [{ title: 'T2' }, ['the title was edited']],
    [{ body: 'B2' }, ['the description was edited']],
    [{ comments: [{ id: 1, author: 'a', body: 'ONE' }, thread.comments[1]!] }, ['1 earlier comment edited']],
    [{ comments: [thread.comments[0]!] }, ['1 earlier comment deleted']],
    [
      { comments: [...thread.comments, { id: 3, author: 'c', body: 'x' }] },
      ['1 earlier comment not seen before'],
    ],
  ])('names %j', (change, expected) => {
    const { prompt, ...threadChange } = change as { prompt?: string | undefined };
    const now = { prompt: 'prompt' in change ? prompt : 'add tests', thread: { ...thread, ...threadChange } };
    expect(threadChanges(frozen, now)).toEqual(expected);
  });
});
