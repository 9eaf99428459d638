import { type ReactNode, useEffect, useId, useRef } from 'react';
import { type EmptyView, QueryState, type QueryView } from './states';

interface PanelFrame {
  /** The heading; the panel is a region named by it. */
  title: ReactNode;
  /** h2 for a part of a page (the default), h3 for a panel inside one. */
  level?: 2 | 3;
  /** Under the heading: what the panel is for. */
  description?: ReactNode;
  /** Beside the heading: the panel's way into its module, or its controls. */
  actions?: ReactNode;
  /** The section's id, for links to it (the settings page's section list). */
  id?: string;
  /** Added to `panel`: the panel's place and look in its page (`dash-card`, `new-key`). */
  className?: string;
  headingClassName?: string;
  /** Moves the focus to the heading when the panel appears in answer to what the user just did. */
  focusOnMount?: boolean;
  testId?: string;
}

type PanelBody<T> =
  | { query?: undefined; children: ReactNode }
  | {
      /** The query the panel shows: its loading, error and empty states look the same in every panel. */
      query: QueryView<T>;
      loading: string;
      empty?: EmptyView<T>;
      children: (data: T) => ReactNode;
    };

export type PanelProps<T> = PanelFrame & PanelBody<T>;

/**
 * The one panel of the app: a section with its heading (and optional description and actions), and either its
 * content or the query it shows (see QueryState). Settings' sections, the dashboard's cards, the weekly review's
 * facts and the new API key are all panels.
 */
export function Panel<T>(props: PanelProps<T>) {
  const { title, level = 2, description, actions, id, className, headingClassName, focusOnMount, testId } = props;
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) headingRef.current?.focus();
  }, [focusOnMount]);
  const Heading = level === 3 ? 'h3' : 'h2';
  const heading = (
    <Heading id={headingId} ref={headingRef} className={headingClassName} tabIndex={focusOnMount ? -1 : undefined}>
      {title}
    </Heading>
  );
  return (
    <section
      id={id}
      className={className ? `panel ${className}` : 'panel'}
      aria-labelledby={headingId}
      data-testid={testId}
    >
      <div className="panel-header">
        {actions ? (
          <div className="panel-title-row">
            {heading}
            {actions}
          </div>
        ) : (
          heading
        )}
        {description ? <p className="panel-description">{description}</p> : null}
      </div>
      {props.query === undefined ? (
        props.children
      ) : (
        <QueryState query={props.query} loading={props.loading} empty={props.empty}>
          {props.children}
        </QueryState>
      )}
    </section>
  );
}
