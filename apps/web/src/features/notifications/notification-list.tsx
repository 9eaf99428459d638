import type { TNotification } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { Panel } from '../../components/panel';
import { trpc } from '../../lib/trpc';
import './notifications.css';

const when = (date: Date) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);

const STATUS_TEXT: Record<TNotification['deliveries'][number]['status'], string> = {
  pending: 'sending',
  sent: 'delivered',
  failed: 'failed, retrying',
  gone: 'device gone',
  skipped: 'skipped',
};

/** What Life OS sent in the last 30 days, with its delivery on each channel (and what was dropped after downtime). */
export function NotificationList() {
  const list = useQuery(trpc.notifications.list.queryOptions());
  return (
    <Panel
      id="sent-notifications"
      title="Sent notifications"
      description="The last 30 days: each reminder and where it was delivered."
      query={list}
      loading="Loading notifications…"
      empty={{ when: (items) => items.length === 0, title: 'Nothing sent yet' }}
    >
      {(items) => (
        <ul className="notification-list">
          {items.map((n) => (
            <li key={n.id} className="notification-item">
              <div className="notification-head">
                <strong>{n.title}</strong>
                <span className="notification-when">{when(n.dueAt)}</span>
                {n.late ? <span className="badge">sent late</span> : null}
                {n.status === 'dropped' ? <span className="badge badge-warn">dropped: server was down</span> : null}
              </div>
              {n.body ? <p className="notification-body">{n.body}</p> : null}
              {n.deliveries.length > 0 ? (
                <ul className="notification-deliveries" aria-label="Deliveries">
                  {n.deliveries.map((d) => (
                    <li key={d.id}>
                      {d.channelKind === 'email' ? 'Email' : d.channelLabel || 'Device'}: {STATUS_TEXT[d.status]}
                      {d.lastError && d.status !== 'sent' ? ` (${d.lastError})` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
