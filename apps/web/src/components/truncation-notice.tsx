import type { TTruncation } from '@lifeos/core/schemas';

/**
 * Said when a list of events was cut at the server's cap: what is shown is complete up to `completeUntil`, and
 * nothing after it is. A status, so that a screen reader announces it without moving focus.
 */
export function TruncationNotice({
  truncation,
  hint = 'narrow the range to see more',
  timezone,
}: {
  truncation: TTruncation | undefined;
  hint?: string;
  /** The zone to write the time in (the dashboard's is the user's); the browser's by default. */
  timezone?: string;
}) {
  if (!truncation?.truncated) return null;
  const until = truncation.completeUntil.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timezone ? { timeZone: timezone } : {}),
  });
  return (
    <p className="alert alert-warning truncation-notice" role="status">
      Too many events to show at once. Showing events up to {until}; {hint}.
    </p>
  );
}
