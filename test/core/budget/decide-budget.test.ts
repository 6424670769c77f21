import { describe, expect, it } from 'vitest';
import { budgetResetsAt, decideUserBudget } from '../../../src/core/budget/decide-budget.ts';
import { decideGate, type GateFacts } from '../../../src/core/gate/decide-gate.ts';

const NOW = new Date('2026-03-14T10:00:00Z');

describe('per-user monthly budgets', () => {
  it.each([
    ['no budget set', undefined, false],
    ['some left', { login: 'alice', limitUsd: 5, spentUsd: 4.99 }, false],
    ['exactly spent', { login: 'alice', limitUsd: 5, spentUsd: 5 }, true],
    ['overspent', { login: 'alice', limitUsd: 5, spentUsd: 7.5 }, true],
  ])('%s', (_name, budget, refused) => {
    expect(decideUserBudget(budget, NOW) !== undefined).toBe(refused);
  });

  it('says what was spent, what is left and when it resets', () => {
    const error = decideUserBudget({ login: 'alice', limitUsd: 5, spentUsd: 7.5 }, NOW)!;
    expect(error).toMatchObject({ code: 'budget_exhausted', status: 429 });
    expect(error.message).toBe(
      "@alice's agent budget in this repository for the month is spent: $7.50 of $5.00 (`budget.per-user-monthly-usd` in `.github/agent.yml`); $0.00 is left until it resets at 2026-04-01T00:00:00Z.",
    );
  });

  it('resets on the first of next month, UTC, across a year end', () => {
    expect(budgetResetsAt(new Date('2026-12-31T23:59:59Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('is checked at the environment gate too', () => {
    const facts: GateFacts = {
      environment: 'agent',
      run: { id: 9, event: 'workflow_dispatch', attempt: 1, workflowPath: '.github/workflows/agent.yml' },
      task: {
        id: 3,
        state: 'dispatched',
        requesterLogin: 'alice',
        approvedBy: null,
        environment: 'agent',
        workflowFile: 'agent.yml',
      },
      access: { decision: 'allow', role: 'write' },
      userBudget: { login: 'alice', limitUsd: 1, spentUsd: 2 },
      now: NOW,
    };
    const decision = decideGate(facts);
    expect(decision.state).toBe('rejected');
    expect(decision.reason).toMatch(
      /@alice's agent budget in this repository for the month is spent: \$2\.00 of \$1\.00/,
    );
    expect(decideGate({ ...facts, userBudget: { login: 'alice', limitUsd: 3, spentUsd: 2 } }).state).toBe(
      'approved',
    );
  });
});
