// Reactions on issues, issue comments and review comments. Reacting twice with the same content
// returns the existing reaction (GitHub answers 200 instead of 201).
import type { SimCore } from '../core.ts';
import { isoNow, nodeId } from './ids.ts';
import type { Reaction, ReactionContent, ReactionSubject } from './types.ts';

export function addReaction(
  sim: SimCore,
  subject: ReactionSubject,
  userId: number,
  content: ReactionContent,
): { reaction: Reaction; created: boolean } {
  for (const reaction of sim.store.reactions.values()) {
    if (
      reaction.subject.kind === subject.kind &&
      reaction.subject.id === subject.id &&
      reaction.userId === userId &&
      reaction.content === content
    ) {
      return { reaction, created: false };
    }
  }
  const id = sim.store.ids.next('reaction');
  const reaction: Reaction = {
    id,
    nodeId: nodeId('Reaction', id),
    userId,
    content,
    subject,
    createdAt: isoNow(sim.clock.now()),
  };
  sim.store.reactions.set(id, reaction);
  return { reaction, created: true };
}

export function reactionsOf(sim: SimCore, subject: ReactionSubject, content?: string): Reaction[] {
  return [...sim.store.reactions.values()].filter(
    (reaction) =>
      reaction.subject.kind === subject.kind &&
      reaction.subject.id === subject.id &&
      (content === undefined || reaction.content === content),
  );
}
