import { type TWeekFacts, weightUnitFor } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { Panel } from '../../components/panel';
import { plural } from '../../lib/plural';
import { trpc } from '../../lib/trpc';
import { formatWeight } from '../../lib/units';

/** The week's facts as lines a review can keep (inserted among its wins, where the user edits them freely). */
export function factLines(facts: TWeekFacts): string[] {
  const unit = weightUnitFor(facts.units);
  const lines: string[] = [];
  if (facts.tasksCompleted > 0) lines.push(`Completed ${plural(facts.tasksCompleted, 'task')}`);
  if (facts.workouts > 0) {
    lines.push(
      `Trained ${facts.workouts === 1 ? 'once' : `${facts.workouts} times`}${
        facts.volumeKg > 0 ? ` (${formatWeight(facts.volumeKg, unit)} lifted)` : ''
      }`,
    );
  }
  if (facts.daysWritten > 0)
    lines.push(`Wrote on ${plural(facts.daysWritten, 'day')} (${plural(facts.wordsWritten, 'word')})`);
  if (facts.moodAverage !== null) lines.push(`Average mood ${facts.moodAverage.toFixed(1)}/5`);
  return lines;
}

/**
 * "This week" for the weekly review: what the other modules recorded in the week (dashboard.weekFacts), and a
 * button that puts those facts into the review.
 */
export function WeekFactsPanel({ weekStart, onInsert }: { weekStart: string; onInsert: (lines: string[]) => void }) {
  const facts = useQuery(trpc.dashboard.weekFacts.queryOptions({ weekStart }));
  return (
    <Panel
      title="This week"
      headingClassName="subheading"
      testId="week-facts"
      query={facts}
      loading="Gathering the week…"
    >
      {(data) => <FactList lines={factLines(data)} onInsert={onInsert} />}
    </Panel>
  );
}

function FactList({ lines, onInsert }: { lines: string[]; onInsert: (lines: string[]) => void }) {
  if (lines.length === 0) return <p className="muted">Nothing recorded in other modules this week yet.</p>;
  return (
    <>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <div>
        <button type="button" className="button button-small" onClick={() => onInsert(lines)}>
          Insert facts into wins
        </button>
      </div>
    </>
  );
}
