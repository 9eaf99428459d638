import type { TParsedCapture } from '@lifeos/core/schemas';
import { formatLocalDate } from '../../lib/local-date';
import { priorityLabel } from '../tasks';

/** What the quick-add parser read in a text: the proposal the user confirms when processing. */
export function ParsePreview({ parsed, label = 'Proposal' }: { parsed: TParsedCapture; label?: string }) {
  const parts: { key: string; text: string; title?: string }[] = [];
  if (parsed.dueDate) {
    parts.push({
      key: 'due',
      text: `Due ${formatLocalDate(parsed.dueDate, 'weekday')}${parsed.dueTime ? ` ${parsed.dueTime}` : ''}`,
      ...(parsed.dateText ? { title: `Read from “${parsed.dateText}”` } : {}),
    });
  }
  for (const label of parsed.labels) parts.push({ key: `label-${label}`, text: `#${label}` });
  if (parsed.project) parts.push({ key: 'project', text: `+${parsed.project.name}` });
  else if (parsed.newProjectName) parts.push({ key: 'project', text: `+${parsed.newProjectName} (new project)` });
  if (parsed.priority) parts.push({ key: 'priority', text: `!${priorityLabel(parsed.priority)} priority` });
  if (parts.length === 0) return null;
  return (
    <ul className="capture-proposal" aria-label={label}>
      {parts.map((part) => (
        <li key={part.key} className="badge badge-accent" title={part.title}>
          {part.text}
        </li>
      ))}
    </ul>
  );
}
