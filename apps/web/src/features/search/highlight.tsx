import type { TSnippet } from '@lifeos/core/schemas';
import type { ReactNode } from 'react';

/**
 * A snippet as text with its matches in <mark>. Built from React text nodes only: whatever an entry holds (even
 * markup) is shown as typed, never parsed as HTML.
 */
export function Highlight({ snippet }: { snippet: TSnippet }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const { start, end } of [...snippet.matches].sort((a, b) => a.start - b.start)) {
    if (start < at || end <= start || end > snippet.text.length) continue;
    if (start > at) parts.push(snippet.text.slice(at, start));
    parts.push(<mark key={start}>{snippet.text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < snippet.text.length) parts.push(snippet.text.slice(at));
  return <>{parts}</>;
}
