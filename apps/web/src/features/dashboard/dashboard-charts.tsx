/**
 * The dashboard's charts, in a chunk of their own: recharts is the heaviest thing on the page, and the landing
 * route's first paint must not wait for it (the cards render first; the charts fill in). No entry animations
 * (`isAnimationActive={false}`): recharts animates by re-rendering the whole chart every frame for up to 1.5 s, main-
 * thread work that kept a phone busy while the page was meant to be answering.
 */
import type { TDashboardToday } from '@lifeos/core/schemas';
import { useEffect, useRef } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { JournalHeatmap } from '../../components/heatmap';
import { formatLocalDate } from '../../lib/local-date';
import { displayWeight, type WeightUnit } from '../../lib/units';

// One formatter for every label (lib/local-date keeps it): toLocaleDateString with options builds a new one per
// call, and the three charts label some 130 points.
const dayLabel = (date: string) => formatLocalDate(date, 'day');

/**
 * Every how many points an x-axis label goes (recharts' `interval`), for about six labels. A fixed interval
 * instead of a minimum gap between labels: the gap made recharts measure every label's text in the DOM, a forced
 * layout per point (90 for the body weight).
 */
const labelEvery = (points: number) => Math.max(0, Math.ceil(points / 6) - 1);

export function MoodChart({ data }: { data: TDashboardToday['mood'] }) {
  const points = data.map((d) => ({ date: dayLabel(d.date), mood: d.mood, energy: d.energy }));
  return (
    <div className="dash-chart" role="img" aria-label={`Mood and energy over ${data.length} rated days`}>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -24 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="date" fontSize={11} interval={labelEvery(points.length)} />
          <YAxis domain={[1, 5]} ticks={[1, 2, 3, 4, 5]} fontSize={11} />
          <Tooltip />
          <Legend />
          <Line
            type="monotone"
            dataKey="mood"
            name="Mood"
            stroke="#2f6b57"
            strokeWidth={2}
            connectNulls
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="energy"
            name="Energy"
            stroke="#d97706"
            strokeWidth={2}
            connectNulls
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function VolumeChart({ data, unit }: { data: TDashboardToday['fitness']['weeklyVolume']; unit: WeightUnit }) {
  const points = data.map((w) => ({
    week: dayLabel(w.weekStart),
    volume: displayWeight(w.volumeKg, unit) ?? 0,
    sessions: w.sessions,
  }));
  return (
    <div className="dash-chart" role="img" aria-label={`Training volume per week over the last ${data.length} weeks`}>
      <ResponsiveContainer width="100%" height={160}>
        <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="week" fontSize={11} interval={labelEvery(points.length)} />
          <YAxis fontSize={11} />
          <Tooltip formatter={(value) => [`${Number(value).toLocaleString()} ${unit}`, 'Volume']} />
          <Bar
            dataKey="volume"
            name={`Volume (${unit})`}
            fill="#2f6b57"
            radius={[3, 3, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function WeightChart({ data, unit }: { data: TDashboardToday['bodyWeight']; unit: WeightUnit }) {
  const points = data.map((w) => ({ date: dayLabel(w.date), weight: displayWeight(w.weightKg, unit) }));
  return (
    <div className="dash-chart" role="img" aria-label={`Body weight, ${data.length} measurements`}>
      <ResponsiveContainer width="100%" height={160}>
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="date" fontSize={11} interval={labelEvery(points.length)} />
          <YAxis domain={['dataMin - 1', 'dataMax + 1']} fontSize={11} allowDecimals={false} />
          <Tooltip formatter={(value) => [`${value} ${unit}`, 'Weight']} />
          <Line
            type="monotone"
            dataKey="weight"
            stroke="#3b82f6"
            strokeWidth={2}
            dot={data.length < 20}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function WritingHeatmap({
  data,
  weekStart,
}: {
  data: TDashboardToday['heatmap'];
  weekStart: 'monday' | 'sunday';
}) {
  const ref = useRef<HTMLDivElement>(null);
  // On a narrow card the year scrolls sideways: start at today's end of it, the part worth seeing.
  useEffect(() => {
    const scroller = ref.current?.querySelector('.heatmap-scroll');
    if (scroller) scroller.scrollLeft = scroller.scrollWidth;
  }, []);
  return (
    <div ref={ref}>
      <JournalHeatmap data={data} weekStart={weekStart} />
    </div>
  );
}
