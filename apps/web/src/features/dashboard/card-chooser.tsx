import { DASHBOARD_CARDS, type TDashboardCard } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Modal } from '../../components/modal';
import { errorMessage } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';
import { dashboardTodayOptions } from './dashboard-query';

/** The cards as the chooser names them (their titles, without the windows they show). */
export const CARD_LABELS: Record<TDashboardCard, string> = {
  journal: 'Journal',
  agenda: 'Today',
  inbox: 'Inbox',
  projects: 'Active projects',
  fitness: "This week's training",
  records: 'Records',
  mood: 'Mood and energy',
  insight: 'Worth seeing',
  'body-weight': 'Body weight',
  'on-this-day': 'On this day',
  writing: 'Writing days',
};

interface Row {
  card: TDashboardCard;
  shown: boolean;
}

/** The shown cards in their order, then the hidden ones in the product's order. */
function rowsOf(shown: readonly TDashboardCard[]): Row[] {
  return [
    ...shown.map((card) => ({ card, shown: true })),
    ...DASHBOARD_CARDS.filter((card) => !shown.includes(card)).map((card) => ({ card, shown: false })),
  ];
}

/**
 * Which cards the dashboard shows and in which order (a phone scrolls ~2,000 px past cards someone never reads).
 * Checkboxes and move buttons rather than dragging: the same by keyboard, screen reader and thumb.
 */
export function CardChooser({ cards, onClose }: { cards: readonly TDashboardCard[]; onClose: () => void }) {
  const [rows, setRows] = useState(() => rowsOf(cards));
  const save = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: dashboardTodayOptions().queryKey }),
          queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey() }),
        ]);
        onClose();
      },
    }),
  );
  const move = (index: number, by: -1 | 1) =>
    setRows((current) => {
      const next = [...current];
      const [row] = next.splice(index, 1);
      if (row) next.splice(index + by, 0, row);
      return next;
    });
  const toggle = (index: number) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, shown: !row.shown } : row)));

  return (
    <Modal title="Choose your cards" onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ dashboardCards: rows.filter((row) => row.shown).map((row) => row.card) });
        }}
      >
        <ol className="card-chooser">
          {rows.map((row, index) => (
            <li key={row.card} className="card-chooser-row">
              <label>
                <input type="checkbox" checked={row.shown} onChange={() => toggle(index)} />
                <span>{CARD_LABELS[row.card]}</span>
              </label>
              <button
                type="button"
                className="button"
                aria-label={`Move ${CARD_LABELS[row.card]} up`}
                disabled={index === 0}
                onClick={() => move(index, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="button"
                aria-label={`Move ${CARD_LABELS[row.card]} down`}
                disabled={index === rows.length - 1}
                onClick={() => move(index, 1)}
              >
                ↓
              </button>
            </li>
          ))}
        </ol>
        {save.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(save.error)}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button" onClick={() => setRows(rowsOf(DASHBOARD_CARDS))}>
            Show all, in the usual order
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
