// What a person may do to a task from its page — approve or reject a request, cancel, retry — each
// behind a confirmation, as plain forms (no script needed). POST /tasks/{id}/{action} runs the
// same flow as the API and the comment commands; a refusal comes back on the task's page with its
// reason, a success as a notice.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { AppError } from '../../core/errors.ts';
import type { Task } from '../../core/task/task.ts';
import { isTerminal } from '../../core/task/task-states.ts';
import type { TaskAction } from '../../flows/command/act-on-task.ts';
import type { VisibleRepo } from '../../store/web-access.ts';
import { actAsViewer } from '../act-as-viewer.ts';
import { CSRF_FIELD } from '../authenticate.ts';
import type { Viewer } from '../viewer.ts';
import type { Html } from './format.ts';
import type { Page } from './page-route.ts';

export const TASK_ACTIONS = ['approve', 'reject', 'cancel', 'retry'] as const satisfies readonly TaskAction[];

/** What the page offers; `replan` needs feedback and stays a comment or API call. */
type PageAction = (typeof TASK_ACTIONS)[number];

const TEXT: Record<PageAction, { label: string; confirm: (id: number) => string; done: string }> = {
  approve: {
    label: 'Approve',
    confirm: (id) => `Approve task ${id}? It runs as the request shows it, in the repository's workflow.`,
    done: 'Approved: the task is queued to run.',
  },
  reject: {
    label: 'Reject',
    confirm: (id) => `Reject task ${id}? It will not run.`,
    done: 'Rejected.',
  },
  cancel: {
    label: 'Cancel',
    confirm: (id) => `Cancel task ${id}? A run in progress is stopped and nothing is published.`,
    done: 'Cancelled.',
  },
  retry: {
    label: 'Retry',
    confirm: (id) => `Run task ${id} again as a new attempt?`,
    done: 'Retried: a new attempt is queued.',
  },
};

/** The actions the task's state allows (who may take them is GitHub's answer, checked on submit). */
export function possibleActions(task: Pick<Task, 'state'>): PageAction[] {
  if (task.state === 'awaiting_approval') return ['approve', 'reject', 'cancel'];
  // A pipeline waiting on its plan: approving approves the plan the task shows.
  if (task.state === 'awaiting_plan_approval') return ['approve', 'cancel'];
  if (task.state === 'failed' || task.state === 'cancelled' || task.state === 'timed_out') return ['retry'];
  return isTerminal(task.state) ? [] : ['cancel'];
}

function accessHint(action: PageAction, task: Task, viewer: Viewer, role: VisibleRepo['role'] | undefined) {
  if (role === 'write' || role === 'maintain' || role === 'admin') return '';
  if (action === 'cancel' && task.requesterId === viewer.userId) return '';
  return html`<p class="hint">This needs write access to the repository${role ? html`; you have ${role}` : ''}. GitHub is asked when you confirm.</p>`;
}

export function actionForms(task: Task, viewer: Viewer, role: VisibleRepo['role'] | undefined): Html {
  const actions = possibleActions(task);
  if (actions.length === 0) return html`<p class="muted">Nothing to do: the task has ended.</p>`;
  return html`<div class="actions">${actions.map(
    (action) => html`<details class="confirm" data-action="${action}">
<summary class="button ${action === 'approve' ? 'primary' : action === 'cancel' || action === 'reject' ? 'danger' : ''}">${TEXT[action].label}…</summary>
<form method="post" action="/tasks/${task.id}/${action}">
<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrfToken ?? ''}">
<p>${TEXT[action].confirm(task.id)}</p>
${action === 'reject' ? html`<label>Reason (shown with the task) <input type="text" name="reason" maxlength="500"></label>` : ''}
${accessHint(action, task, viewer, role)}
<button type="submit" class="${action === 'approve' ? 'primary' : action === 'retry' ? '' : 'danger'}">Yes, ${TEXT[action].label.toLowerCase()} task ${task.id}</button>
</form></details>`,
  )}</div>`;
}

export function doneNotice(action: string | null): Html | '' {
  const text = (TASK_ACTIONS as readonly string[]).includes(action ?? '')
    ? TEXT[action as PageAction].done
    : '';
  return text ? html`<p class="notice good" role="status">${text}</p>` : '';
}

/** POST /tasks/{id}/{action}: act, then back to the page (or the page with the refusal). */
export async function taskActionRoute(
  page: Page,
  c: Context,
  showRefusal: (page: Page, taskId: number, refusal: AppError) => Promise<Response>,
): Promise<Response> {
  const taskId = Number(c.req.param('id'));
  const action = c.req.param('action') as PageAction;
  if (!(TASK_ACTIONS as readonly string[]).includes(action))
    throw new AppError('not_found', { what: `The action ${action.slice(0, 40)}` });
  const form = await c.req.parseBody();
  const reason = typeof form.reason === 'string' && form.reason.trim() ? form.reason.trim() : undefined;
  try {
    await actAsViewer(page.deps, page.viewer, taskId, action, { reason, via: 'dashboard' });
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_allowed' || error.code === 'cannot_manage'))
      return showRefusal(page, taskId, error);
    throw error;
  }
  return c.redirect(`/tasks/${taskId}?done=${action}`, 303);
}
