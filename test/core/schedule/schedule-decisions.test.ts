// Schedules, pure: cron slots in a time zone, the deterministic jitter, one catch-up after
// downtime, and what a fire decides from the facts.
import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../../src/core/repo-config/schema.ts';
import {
  cronProblem,
  jitterMs,
  MAX_JITTER_MS,
  nextSlot,
  timeZoneProblem,
} from '../../../src/core/schedule/cron.ts';
import { decideFire } from '../../../src/core/schedule/decide-fire.ts';
import { decideTick } from '../../../src/core/schedule/decide-tick.ts';

const at = (iso: string) => new Date(iso);

describe('cron', () => {
  it('names the slots in the schedule’s time zone', () => {
    const spec = { cron: '0 3 * * *', timezone: 'Europe/Paris' };
    // 03:00 in Paris in winter is 02:00 UTC; in summer 01:00 UTC.
    expect(nextSlot(spec, at('2026-12-02T00:00:00Z'))?.toISOString()).toBe('2026-12-02T02:00:00.000Z');
    expect(nextSlot(spec, at('2026-07-02T00:00:00Z'))?.toISOString()).toBe('2026-07-02T01:00:00.000Z');
  });

  it('refuses what it would not fire, saying why', () => {
    expect(cronProblem('0 3 * * 1-5')).toBeUndefined();
    expect(cronProblem('@daily')).toBeUndefined();
    expect(cronProblem('0 3 * *')).toMatch(/five fields/);
    expect(cronProblem('@reboot')).toMatch(/one of/);
    expect(cronProblem('61 3 * * *')).toMatch(/not a cron expression/);
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/IANA/);
  });

  it('spreads schedules by a jitter that is stable per schedule and bounded by its period', () => {
    const hourly = { cron: '0 * * * *', timezone: 'UTC' };
    const slot = at('2026-12-02T10:00:00Z');
    const a = jitterMs(hourly, '1:nightly', slot);
    expect(jitterMs(hourly, '1:nightly', at('2026-12-02T11:00:00Z'))).toBe(a);
    const spread = new Set(Array.from({ length: 50 }, (_, i) => jitterMs(hourly, `${i}:x`, slot)));
    expect(spread.size).toBeGreaterThan(40);
    for (const j of spread) expect(j).toBeLessThan(MAX_JITTER_MS);
    const minutely = { cron: '* * * * *', timezone: 'UTC' };
    for (let i = 0; i < 50; i++) expect(jitterMs(minutely, `${i}:y`, slot)).toBeLessThan(6_000);
  });
});

describe('decideTick', () => {
  const clock = {
    cron: '0 * * * *',
    timezone: 'UTC',
    key: '7:hourly',
    learnedAt: at('2026-12-01T00:30:00Z'),
  };

  it('fires nothing before the first slot after it was learned, and says when it is due', () => {
    const tick = decideTick({ ...clock, lastSlotAt: null }, at('2026-12-01T00:40:00Z'), 60_000);
    expect(tick.fire).toBeUndefined();
    expect(tick.next?.slot.toISOString()).toBe('2026-12-01T01:00:00.000Z');
  });

  it('catches up once after downtime: the latest missed slot, with the others counted', () => {
    const tick = decideTick(
      { ...clock, lastSlotAt: at('2026-12-01T01:00:00Z') },
      at('2026-12-01T06:30:00Z'),
      60_000,
    );
    expect(tick.fire?.slot.toISOString()).toBe('2026-12-01T06:00:00.000Z');
    expect(tick.fire?.missed).toBe(4);
    expect(tick.next?.slot.toISOString()).toBe('2026-12-01T07:00:00.000Z');
  });

  it('fires a slot once: after it fired, the same tick again finds nothing', () => {
    const now = at('2026-12-01T06:30:00Z');
    const fired = decideTick({ ...clock, lastSlotAt: at('2026-12-01T05:00:00Z') }, now, 60_000).fire!;
    expect(decideTick({ ...clock, lastSlotAt: fired.slot }, now, 60_000).fire).toBeUndefined();
  });
});

describe('decideFire', () => {
  const parsed = parseRepoConfig({
    engine: 'command',
    command: 'true',
    schedules: [{ name: 'n', cron: '@daily', prompt: 'p', 'run-as': 'maria', limits: { 'max-turns': 3 } }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const config = parsed.config;
  const schedule = config.schedules[0]!;
  const maria = { login: 'maria', id: 5, type: 'User' };
  const facts = {
    active: true,
    config: { ok: true as const, config },
    liveTaskId: undefined,
    runAs: maria,
    permission: { permission: 'write', roleName: 'write' },
  };

  it('starts with the schedule’s limits over the repository’s', () => {
    const decision = decideFire(schedule, facts);
    expect(decision).toMatchObject({ kind: 'start', engine: 'command' });
    if (decision.kind === 'start') expect(decision.settings.limits['max-turns']).toBe(3);
  });

  it('skips with the reason, in order', () => {
    expect(decideFire(schedule, { ...facts, active: false })).toMatchObject({ reason: 'removed' });
    expect(
      decideFire(schedule, { ...facts, config: { ok: false, issues: [{ field: 'x', message: 'bad' }] } }),
    ).toMatchObject({ reason: 'invalid_config', detail: expect.stringContaining('x: bad') });
    expect(decideFire(schedule, { ...facts, liveTaskId: 12 })).toMatchObject({
      reason: 'previous_run_live',
      detail: expect.stringContaining('task 12'),
    });
    expect(decideFire(schedule, { ...facts, runAs: undefined })).toMatchObject({ reason: 'run_as_denied' });
    expect(
      decideFire(schedule, { ...facts, permission: { permission: 'read', roleName: 'read' } }),
    ).toMatchObject({ reason: 'run_as_denied' });
  });
});
