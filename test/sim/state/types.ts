// The simulator's model of GitHub: plain records, keyed by numeric id, held in memory.
import type { KeyObject } from 'node:crypto';

export type PermissionLevel = 'read' | 'write' | 'admin';
export type Permissions = Record<string, PermissionLevel>;
export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type AccountType = 'User' | 'Bot' | 'Organization';

export type Account = {
  id: number;
  nodeId: string;
  login: string;
  type: AccountType;
  name: string | null;
  email: string | null;
  createdAt: string;
};

export type App = {
  id: number;
  slug: string;
  name: string;
  nodeId: string;
  clientId: string;
  /** The OAuth client secret (the web flow's token exchange). */
  clientSecret: string;
  /** Where the OAuth web flow may send users back (the App's callback URLs). */
  callbackUrls: string[];
  ownerId: number;
  privateKeyPem: string;
  publicKey: KeyObject;
  webhookUrl: string | null;
  webhookSecret: string | null;
  hookId: number;
  permissions: Permissions;
  events: string[];
  botUserId: number;
  createdAt: string;
};

export type Installation = {
  id: number;
  appId: number;
  accountId: number;
  repositorySelection: 'all' | 'selected';
  repositoryIds: Set<number>;
  permissions: Permissions;
  events: string[];
  createdAt: string;
  updatedAt: string;
};

export type Label = { id: number; nodeId: string; name: string; color: string; description: string | null };

export type Repo = {
  id: number;
  nodeId: string;
  ownerId: number;
  name: string;
  defaultBranch: string;
  private: boolean;
  description: string | null;
  forkOfId: number | null;
  gitDir: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  roles: Map<number, RepoRole>;
  nextNumber: number;
  labels: Map<string, Label>;
  /** Actions variables (`vars.*`) and secrets (`secrets.*`) of the repository. */
  variables: Map<string, string>;
  secrets: Map<string, string>;
};

export type Pull = {
  headRepoId: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  maintainerCanModify: boolean;
  requestedReviewerIds: number[];
  mergedAt: string | null;
};

export type Issue = {
  id: number;
  nodeId: string;
  repoId: number;
  number: number;
  title: string;
  body: string | null;
  userId: number;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | null;
  labelNames: string[];
  assigneeIds: number[];
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  viaAppId: number | null;
  pull: Pull | null;
};

export type IssueComment = {
  id: number;
  nodeId: string;
  repoId: number;
  issueNumber: number;
  userId: number;
  body: string;
  viaAppId: number | null;
  createdAt: string;
  updatedAt: string;
};

export type Review = {
  id: number;
  nodeId: string;
  repoId: number;
  pullNumber: number;
  userId: number;
  body: string | null;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING';
  commitId: string;
  /** Null while PENDING (not submitted). */
  submittedAt: string | null;
};

export type ReviewComment = {
  id: number;
  nodeId: string;
  repoId: number;
  pullNumber: number;
  reviewId: number;
  userId: number;
  body: string;
  path: string;
  line: number | null;
  side: 'LEFT' | 'RIGHT';
  commitId: string;
  inReplyToId: number | null;
  createdAt: string;
  updatedAt: string;
};

export const reactionContents = [
  '+1',
  '-1',
  'laugh',
  'confused',
  'heart',
  'hooray',
  'rocket',
  'eyes',
] as const;
export type ReactionContent = (typeof reactionContents)[number];
export type ReactionSubject = {
  kind: 'issue' | 'issue_comment' | 'review_comment';
  repoId: number;
  id: number;
};

export type Reaction = {
  id: number;
  nodeId: string;
  userId: number;
  content: ReactionContent;
  subject: ReactionSubject;
  createdAt: string;
};

export type CheckRun = {
  id: number;
  nodeId: string;
  repoId: number;
  appId: number;
  name: string;
  headSha: string;
  externalId: string | null;
  detailsUrl: string | null;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotationsCount: number };
  checkSuiteId: number;
};

export type Environment = {
  id: number;
  nodeId: string;
  repoId: number;
  name: string;
  reviewerIds: number[];
  preventSelfReview: boolean;
  protectionRuleAppIds: number[];
  secrets: Record<string, string>;
  vars: Record<string, string>;
  protectionRuleIds: { reviewers: number; apps: Map<number, number> };
  createdAt: string;
  updatedAt: string;
};
