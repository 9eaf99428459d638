import { Link } from 'react-router';
import { PageHeader } from '../components/page-header';

export function NotFoundPage() {
  return (
    <div className="page">
      <PageHeader title="Page not found" />
      <div className="state state-empty">
        <p className="state-title">There is nothing at this address.</p>
        <Link className="button" to="/">
          Go to the dashboard
        </Link>
      </div>
    </div>
  );
}
