import type { ReactNode } from 'react';

/**
 * A page's title. The heading takes focus after a navigation inside the shell (see Shell), so keyboard and
 * screen-reader users start at the top of the new page.
 */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1 tabIndex={-1} data-page-title>
        {title}
      </h1>
      {children ? <div className="page-header-extra">{children}</div> : null}
    </header>
  );
}
