import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { errorMessage } from '../lib/errors';

/** While the first page's data loads. */
export function AppLoading() {
  return (
    <div className="splash" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span className="visually-hidden">Loading Life OS…</span>
    </div>
  );
}

/** What a page shows when its code or data could not be loaded. */
export function RouteError() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // A new deployment replaced the chunk this tab wanted: a reload fetches the current one.
  const staleChunk =
    error instanceof TypeError && /dynamically imported module|Importing a module/i.test(error.message);
  return (
    <div className="page page-narrow">
      <div className="state state-error" role="alert">
        <h1 className="state-title">{notFound ? 'Page not found' : 'Something went wrong'}</h1>
        <p>
          {notFound
            ? 'There is nothing at this address.'
            : staleChunk
              ? 'Life OS was updated. Reload the page to get the new version.'
              : errorMessage(error)}
        </p>
        <div className="row">
          <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
            Reload
          </button>
          <Link className="button" to="/">
            Go to the dashboard
          </Link>
        </div>
      </div>
    </div>
  );
}
