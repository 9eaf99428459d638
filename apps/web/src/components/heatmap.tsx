import type { TJournalHeatmap } from '@lifeos/core/schemas';
import { addCalendarDays, daysBetween, weekStartOf } from '@lifeos/core/schemas';
import { useId } from 'react';
import { formatLocalDate } from '../lib/local-date';
import './heatmap.css';

const CELL = 12;
const GAP = 3;
const LEFT = 28;
const TOP = 18;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function level(count: number): number {
  return count === 0 ? 0 : Math.min(count, 3);
}

/**
 * A year of writing days as an SVG grid: a column per week, a row per weekday, darker for more entries. Every
 * day has a text alternative (its <title>), and the whole grid a summary for screen readers.
 */
export function JournalHeatmap({ data, weekStart }: { data: TJournalHeatmap; weekStart: 'monday' | 'sunday' }) {
  const titleId = useId();
  const year = String(data.year).padStart(4, '0');
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const gridStart = weekStartOf(first, weekStart);
  const counts = new Map(data.days.map((d) => [d.date, d]));
  const totalDays = daysBetween(first, last) + 1;
  const weeks = Math.floor(daysBetween(gridStart, last) / 7) + 1;
  const width = LEFT + weeks * (CELL + GAP);
  const height = TOP + 7 * (CELL + GAP);
  const written = data.days.filter((d) => d.count > 0).length;
  const weekdayLabels =
    weekStart === 'monday' ? ['Mon', '', 'Wed', '', 'Fri', '', ''] : ['', 'Mon', '', 'Wed', '', 'Fri', ''];

  const cells = [];
  const monthLabels = [];
  for (let i = 0; i < totalDays; i++) {
    const date = addCalendarDays(first, i);
    const offset = daysBetween(gridStart, date);
    const column = Math.floor(offset / 7);
    const row = offset % 7;
    const day = counts.get(date);
    const count = day?.count ?? 0;
    if (date.endsWith('-01')) {
      monthLabels.push(
        <text key={date} x={LEFT + column * (CELL + GAP)} y={TOP - 6} className="heatmap-label">
          {MONTHS[Number(date.slice(5, 7)) - 1]}
        </text>,
      );
    }
    const label = `${formatLocalDate(date, 'short')}: ${
      count === 0 ? 'nothing written' : `${count} ${count === 1 ? 'entry' : 'entries'}, ${day?.wordCount ?? 0} words`
    }`;
    cells.push(
      <rect
        key={date}
        x={LEFT + column * (CELL + GAP)}
        y={TOP + row * (CELL + GAP)}
        width={CELL}
        height={CELL}
        rx={2}
        className={`heat heat-${level(count)}`}
        data-date={date}
        data-count={count}
      >
        <title>{label}</title>
      </rect>,
    );
  }

  return (
    // Focusable, so a keyboard can scroll a year wider than the screen (axe: scrollable-region-focusable).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="heatmap-scroll" tabIndex={0} aria-label="Journal days of the year, scrollable">
      <svg
        className="heatmap"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-labelledby={titleId}
      >
        <title id={titleId}>{`Writing days in ${data.year}: ${written} of ${totalDays} days with an entry`}</title>
        {monthLabels}
        {weekdayLabels.map((label, row) =>
          label ? (
            <text key={label} x={0} y={TOP + row * (CELL + GAP) + CELL - 2} className="heatmap-label">
              {label}
            </text>
          ) : null,
        )}
        {cells}
      </svg>
      <p className="heatmap-legend muted small" aria-hidden="true">
        Less <span className="heat-swatch heat-0" /> <span className="heat-swatch heat-1" />{' '}
        <span className="heat-swatch heat-2" /> <span className="heat-swatch heat-3" /> More
      </p>
    </section>
  );
}
