import { addCalendarDays, DASHBOARD_CARDS, type TDashboardToday } from '@lifeos/core/schemas';

const weeks = Array.from({ length: 8 }, (_, i) => ({
  weekStart: addCalendarDays('2026-01-19', 7 * i),
  volumeKg: 0,
  sessions: 0,
}));

const streak = { current: 0, lastDate: null, doneInPeriod: false };

/** `dashboard.today` for a user with nothing anywhere yet. */
export function blankDashboard(): TDashboardToday {
  return {
    today: '2026-03-10',
    weekStart: '2026-03-09',
    weekStartsOn: 'monday',
    timezone: 'UTC',
    units: 'metric',
    displayName: 'Ada',
    cards: [...DASHBOARD_CARDS],
    journal: {
      morningPages: null,
      reflection: null,
      review: null,
      wordGoal: 750,
      streaks: { morning_pages: streak, daily_reflection: streak, weekly_review: streak },
    },
    agenda: { items: [], overdue: [], moreTasks: 0, truncated: false, completeUntil: new Date('2026-03-10T23:00:00Z') },
    inboxCount: 0,
    projects: [],
    fitness: { thisWeek: [], weekVolumeKg: 0, weeklyVolume: weeks, records: [] },
    mood: [],
    bodyWeight: [],
    heatmap: { year: 2026, days: [] },
    onThisDay: [],
    correlation: {
      daysWithMood: 0,
      withWorkout: { days: 0, mood: null, energy: null },
      withoutWorkout: { days: 0, mood: null, energy: null },
      sentence: null,
    },
  };
}
