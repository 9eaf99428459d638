import { SEARCH_KIND_LABELS, SEARCH_KINDS, type TSearchKind, type TSearchResult } from '@lifeos/core/schemas';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Command } from 'cmdk';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { MODULES } from '../../routes/modules';
import { Highlight } from './highlight';
import './command-palette.css';

/** Long enough to skip the keystrokes of a word being typed, short enough to feel live. */
const DEBOUNCE_MS = 150;

interface PaletteActions {
  /** Closes the palette and opens a page. */
  go: (to: string) => void;
  close: () => void;
}

interface PaletteCommand {
  id: string;
  label: string;
  hint: string;
  icon: string;
  run: (actions: PaletteActions) => void;
}

/** Opens quick capture through its own topbar button, so its draft handling stays in one place. */
function openQuickCapture() {
  document.querySelector<HTMLButtonElement>('.quick-capture button[aria-keyshortcuts="c"]')?.click();
}

const COMMANDS: PaletteCommand[] = [
  {
    id: 'new-capture',
    label: 'New capture',
    hint: 'Drop a thought into the inbox',
    icon: '+',
    run: ({ close }) => {
      close();
      // After the palette has closed: two modal dialogs cannot both be open.
      setTimeout(openQuickCapture, 0);
    },
  },
  {
    id: 'morning-pages',
    label: 'Write morning pages',
    hint: 'Journal',
    icon: '✎',
    run: ({ go }) => go('/journal/morning-pages'),
  },
  {
    id: 'reflection',
    label: "Write today's reflection",
    hint: 'Journal',
    icon: '✎',
    run: ({ go }) => go('/journal/reflection'),
  },
  ...MODULES.map((module) => ({
    id: `go-${module.path}`,
    label: `Go to ${module.label}`,
    hint: module.blurb,
    icon: module.icon,
    run: ({ go }: PaletteActions) => go(module.path),
  })),
];

function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The result's date for people: an event's start in this browser's zone, else its calendar date. */
function when(result: TSearchResult): string | null {
  if (result.kind === 'event' && result.at) return instantFormat.format(result.at);
  if (result.date) {
    const prefix = result.kind === 'task' ? 'Due ' : result.kind === 'project' ? 'Target ' : '';
    return prefix + dayFormat.format(new Date(`${result.date}T00:00:00Z`));
  }
  if (result.at) return dayFormat.format(result.at);
  return null;
}

/** Results by kind, the group holding the best match first (each group keeps the server's ranking). */
function groupResults(results: TSearchResult[]): { kind: TSearchKind; items: TSearchResult[] }[] {
  const groups = SEARCH_KINDS.map((kind) => ({ kind, items: results.filter((r) => r.kind === kind) })).filter(
    (g) => g.items.length > 0,
  );
  const best = (g: { items: TSearchResult[] }) => Math.max(...g.items.map((r) => r.rank));
  return groups.sort((a, b) => best(b) - best(a));
}

const itemValue = (result: TSearchResult) => `${result.kind}:${result.id}`;

/**
 * The command palette: search everything as you type, or pick a command. Arrow keys move, Enter opens, Escape
 * closes and gives focus back to whatever had it. A native <dialog>, so the page's own shortcuts (which skip
 * while a dialog is open) stay quiet underneath.
 */
export function CommandPalette({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState('');
  const debounced = useDebounced(q.trim(), DEBOUNCE_MS);
  const searching = debounced !== '';

  const search = useQuery({
    ...trpc.search.all.queryOptions({ q: debounced }),
    enabled: searching,
    // While typing, the last answer stays on screen until the next one arrives: no flicker to empty.
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog || dialog.open) return;
    const opener = document.activeElement as HTMLElement | null;
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    // showModal focuses the first focusable element, which is cmdk's root (tabindex -1), not the box.
    inputRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);

  const needle = q.trim().toLowerCase();
  const commands = useMemo(
    () =>
      needle === ''
        ? COMMANDS
        : COMMANDS.filter((c) => c.label.toLowerCase().includes(needle) || c.hint.toLowerCase().includes(needle)),
    [needle],
  );
  const results = searching && q.trim() !== '' ? (search.data ?? []) : [];
  const groups = useMemo(() => groupResults(results), [results]);

  // Keep a valid selection as results come and go, so Enter always opens what is highlighted: the first row.
  const order = useMemo(
    () => [...groups.flatMap((g) => g.items.map(itemValue)), ...commands.map((c) => `command:${c.id}`)],
    [groups, commands],
  );
  useEffect(() => {
    if (!order.includes(selected)) setSelected(order[0] ?? '');
  }, [order, selected]);

  const go = (to: string) => {
    onClose();
    navigate(to);
  };

  const pending = searching && search.isFetching && !search.data;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape (onCancel) is the keyboard's way out; the click only adds closing from the backdrop
    <dialog
      ref={dialogRef}
      className="dialog palette"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (event.target === dialogRef.current) onClose();
      }}
    >
      <h2 id={titleId} className="visually-hidden">
        Search and commands
      </h2>
      <Command label="Search and commands" shouldFilter={false} loop value={selected} onValueChange={setSelected}>
        <div className="palette-input-row">
          <span className="palette-input-icon" aria-hidden="true">
            ⌕
          </span>
          <Command.Input
            ref={inputRef}
            className="palette-input"
            value={q}
            onValueChange={setQ}
            placeholder="Search journal, tasks, projects, inbox, calendar…"
            aria-label="Search"
            maxLength={200}
          />
          {search.isFetching && searching ? <span className="spinner palette-spinner" aria-hidden="true" /> : null}
        </div>
        <Command.List className="palette-list" aria-label="Results">
          {pending ? (
            <Command.Loading>
              <div className="palette-state" role="status">
                Searching…
              </div>
            </Command.Loading>
          ) : null}
          {searching && search.isError ? (
            <div className="palette-state palette-error" role="alert">
              Search failed: {errorMessage(search.error)}{' '}
              <button type="button" className="button button-small" onClick={() => void search.refetch()}>
                Try again
              </button>
            </div>
          ) : null}
          {searching && search.data && results.length === 0 && !search.isFetching ? (
            <div className="palette-state">Nothing found for “{debounced}”.</div>
          ) : null}
          {groups.map((group) => (
            <Command.Group key={group.kind} heading={SEARCH_KIND_LABELS[group.kind]} className="palette-group">
              {group.items.map((result) => (
                <Command.Item
                  key={itemValue(result)}
                  value={itemValue(result)}
                  className="palette-item"
                  onSelect={() => go(result.href)}
                >
                  <span className="palette-item-main">
                    <span className="palette-item-title">
                      <Highlight snippet={result.title} />
                    </span>
                    {result.snippet.text ? (
                      <span className="palette-item-snippet">
                        <Highlight snippet={result.snippet} />
                      </span>
                    ) : null}
                  </span>
                  <span className="palette-item-meta">
                    {[when(result), result.context].filter(Boolean).join(' · ')}
                  </span>
                </Command.Item>
              ))}
            </Command.Group>
          ))}
          {commands.length > 0 ? (
            <Command.Group heading={needle === '' ? 'Go to' : 'Commands'} className="palette-group">
              {commands.map((command) => (
                <Command.Item
                  key={command.id}
                  value={`command:${command.id}`}
                  className="palette-item"
                  onSelect={() => command.run({ go, close: onClose })}
                >
                  <span className="palette-item-main">
                    <span className="palette-item-title">
                      <span className="palette-command-icon" aria-hidden="true">
                        {command.icon}
                      </span>
                      {command.label}
                    </span>
                  </span>
                  <span className="palette-item-meta">{command.hint}</span>
                </Command.Item>
              ))}
            </Command.Group>
          ) : null}
        </Command.List>
        <p className="palette-help" aria-hidden="true">
          <kbd className="kbd">↑</kbd> <kbd className="kbd">↓</kbd> move · <kbd className="kbd">Enter</kbd> open ·{' '}
          <kbd className="kbd">Esc</kbd> close
        </p>
      </Command>
    </dialog>
  );
}
