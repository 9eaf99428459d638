/**
 * The product's date range (issue 17.3): dates far in the past or future are either served or refused with 400
 * naming the range, never a 500 from the database; and whatever the app stores can be exported and restored.
 */
import { DATE_RANGE_MESSAGE } from '@lifeos/core/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../../../packages/client/src/index.js';
import { type BrowserClient, expectCode, setupOwner, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let owner: BrowserClient;
beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
});
afterAll(() => server.close());

/** What a call answered: 'ok', or its error code (with its message). */
async function outcome(call: Promise<unknown>) {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return `${errorCode(error)}: ${(error as Error).message}`;
  }
}

describe('far dates', () => {
  it('the last day of the range is served by every date-keyed read', async () => {
    const answers = {
      weekFacts: await outcome(owner.client.dashboard.weekFacts.query({ weekStart: '9999-12-31' })),
      journalGet: await outcome(owner.client.journal.get.query({ type: 'morning_pages', date: '9999-12-31' })),
      journalList: await outcome(owner.client.journal.list.query({ from: '1000-01-01', to: '9999-12-31' })),
      bodyWeights: await outcome(owner.client.fitness.bodyweight.list.query({ from: '1000-01-01', to: '9999-12-31' })),
    };
    // Served, or refused as a bad request (a week or range running past the year 9999): never a 500.
    for (const answer of Object.values(answers)) expect(answer).toMatch(/^(ok|BAD_REQUEST: )/);
    expect(answers.journalGet).toBe('ok');
  });

  it('refuses dates outside the years 1000–9999 with 400 naming the range', async () => {
    const refusals = [
      owner.client.dashboard.weekFacts.query({ weekStart: '0999-12-31' }),
      owner.client.journal.get.query({ type: 'morning_pages', date: '0001-01-01' }),
      owner.client.fitness.sessions.start.mutate({ startedAt: new Date(Date.UTC(275760, 0, 1)) }),
      owner.client.fitness.sessions.start.mutate({ startedAt: new Date(Date.UTC(10000, 0, 1)) }),
      owner.client.fitness.bodyweight.log.mutate({ date: '0500-01-01', weightKg: 80 }),
    ];
    for (const refusal of refusals) {
      const error = await expectCode(refusal, 'BAD_REQUEST');
      expect((error as Error).message).toContain(DATE_RANGE_MESSAGE);
    }
    expect((await owner.client.fitness.sessions.list.query({})).items).toEqual([]);
  });

  it('a workout on the last day of the range exports and restores', async () => {
    const startedAt = new Date(Date.UTC(9999, 11, 31, 8));
    await owner.client.fitness.sessions.start.mutate({ name: 'far', startedAt });
    await owner.client.journal.upsert.mutate({ type: 'morning_pages', date: '1000-01-01', content: { text: 'early' } });
    const document = await owner.client.data.export.query();
    const report = await owner.client.data.import.mutate({ data: document, mode: 'replace' });
    expect(report.counts.workoutSessions.created).toBe(1);
    expect(report.counts.journal.created).toBe(1);
    const again = await owner.client.data.export.query();
    expect(again.workoutSessions.map((session) => session.startedAt)).toEqual([startedAt.toISOString()]);
  });

  it('an import row outside the range is refused naming its path', async () => {
    const document = await owner.client.data.export.query();
    const session = document.workoutSessions[0] as { startedAt: string };
    session.startedAt = '+275760-01-01T00:00:00.000Z';
    const refused = await expectCode(owner.client.data.import.mutate({ data: document, mode: 'merge' }), 'BAD_REQUEST');
    expect((refused as Error).message).toContain('workoutSessions[0].startedAt');
  });

  it('logged no unexpected error', () => {
    expect(server.logs.filter((line) => line.includes('"level":50')).map((line) => line.slice(0, 300))).toEqual([]);
  });
});
