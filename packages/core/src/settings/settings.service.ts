import { type DB, type Kysely, settingsQueries, usersQueries } from '@lifeos/db';
import { UserExistsError } from '../auth/auth.errors.js';
import type { Clock } from '../clock.js';
import { inTransaction } from '../common/transaction.js';
import { NotFoundError } from '../errors.js';
import { DASHBOARD_CARDS, type TDashboardCard, type TSettings, type TUpdateSettingsInput } from './settings.schemas.js';

const CARDS = new Set<string>(DASHBOARD_CARDS);

/** The stored choice as the dashboard shows it: null is every card; a name that is no card (any more) is skipped. */
export function dashboardCardsOf(stored: readonly string[] | null): TDashboardCard[] {
  if (stored === null) return [...DASHBOARD_CARDS];
  return stored.filter((card): card is TDashboardCard => CARDS.has(card));
}

interface Deps {
  db: Kysely<DB>;
  clock: Clock;
}

export async function getSettings(deps: Deps, userId: string): Promise<TSettings> {
  const settings = await settingsQueries.getSettings(deps.db, userId);
  if (!settings) throw new NotFoundError('Settings');
  return { ...settings, dashboardCards: dashboardCardsOf(settings.dashboardCards) };
}

export async function updateSettings(deps: Deps, userId: string, input: TUpdateSettingsInput): Promise<TSettings> {
  const now = deps.clock.now();
  await inTransaction(deps, async ({ db: trx }) => {
    if (input.email !== undefined && (await usersQueries.isEmailTakenByOther(trx, userId, input.email))) {
      throw new UserExistsError('email');
    }
    const { displayName, email, ...preferences } = input;
    if (displayName !== undefined || email !== undefined) {
      await usersQueries.updateUserProfile(trx, userId, { displayName, email }, now);
    }
    await settingsQueries.updateSettings(trx, userId, { ...preferences, updatedAt: now });
  });
  return getSettings(deps, userId);
}
