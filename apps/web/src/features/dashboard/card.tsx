/** The frame every dashboard card shares: the card itself, and the slot its chart draws into once near the viewport. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { DeferredRender } from '../../components/deferred-render';
import { Panel } from '../../components/panel';

// The charts (recharts) and the heatmap are a chunk of their own, fetched only once one of them comes near the
// viewport (a phone that never scrolls down never downloads recharts) and drawn one per idle moment.
const loadCharts = () => import('./dashboard-charts');
type Charts = Awaited<ReturnType<typeof loadCharts>>;

export function ChartSlot({ height, children }: { height: number; children: (charts: Charts) => ReactNode }) {
  return (
    <DeferredRender height={height} placeholderClassName="dash-chart-placeholder" load={loadCharts}>
      {children}
    </DeferredRender>
  );
}

/** A dashboard card: a panel in the grid, named by its title, with its way into its module. */
export function Card({
  id,
  title,
  link,
  wide = false,
  children,
}: {
  id: string;
  title: string;
  /** The card's way into its module. */
  link?: { to: string; label: string };
  /** Spans the whole grid (a year of days needs the width). */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <Panel
      title={title}
      className={wide ? 'dash-card dash-card-wide' : 'dash-card'}
      headingClassName="dash-card-title"
      testId={`card-${id}`}
      actions={
        link ? (
          <Link className="dash-card-link" to={link.to}>
            {link.label} <span aria-hidden="true">→</span>
          </Link>
        ) : undefined
      }
    >
      {children}
    </Panel>
  );
}
