import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { PageHeader } from '../components/page-header';
import { trpc } from '../lib/trpc';
import { MODULES } from './modules';

function greeting(hour: number): string {
  if (hour < 5) return 'Good night';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

export function DashboardPage() {
  const me = useQuery(trpc.auth.me.queryOptions());
  const name = me.data?.displayName;
  return (
    <div className="page">
      <PageHeader title={name ? `${greeting(new Date().getHours())}, ${name}` : 'Dashboard'} />
      <p className="lead">
        Your day will come together here: journal streaks, today’s agenda, the inbox, active projects and this week’s
        training. The modules are on their way.
      </p>
      <ul className="card-grid">
        {MODULES.filter((m) => m.path !== '/' && m.path !== '/settings').map((module) => (
          <li key={module.path}>
            <Link className="card card-link" to={module.path}>
              <span className="card-icon" aria-hidden="true">
                {module.icon}
              </span>
              <span className="card-title">{module.label}</span>
              <span className="card-text">{module.blurb}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
