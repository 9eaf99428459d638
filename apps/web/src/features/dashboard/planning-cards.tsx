/** The dashboard's cards of what to do: today's agenda and what is overdue, the inbox, the active projects. */
import type { TDashboardToday, TProject } from '@lifeos/core/schemas';
import { Link } from 'react-router';
import { TruncationNotice } from '../../components/truncation-notice';
import { formatLocalDate } from '../../lib/local-date';
import { plural } from '../../lib/plural';
import { Card } from './card';

function timeOf(date: Date, timezone: string) {
  return date.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit', timeZone: timezone });
}

export function AgendaCard({ data }: { data: TDashboardToday }) {
  const { items, overdue, moreTasks } = data.agenda;
  return (
    <Card id="agenda" title="Today" link={{ to: '/calendar', label: 'Calendar' }}>
      {items.length === 0 && overdue.length === 0 ? (
        <p className="muted">
          Nothing planned today. <Link to="/calendar">Add an event</Link> or <Link to="/tasks">a task</Link>.
        </p>
      ) : (
        <ul className="dash-rows">
          {items.map((item) => (
            <li key={item.key} className="dash-row">
              <span className="dash-when">
                {item.kind === 'task'
                  ? 'Task'
                  : item.allDay || !item.start
                    ? 'All day'
                    : timeOf(item.start, data.timezone)}
              </span>
              <span className="dash-row-main">
                <Link to={item.link}>{item.title}</Link>
                {item.kind === 'workout' ? <span className="muted">Workout</span> : null}
              </span>
            </li>
          ))}
          {overdue.map((task) => (
            <li key={task.id} className="dash-row">
              <span className="dash-when dash-overdue">Overdue</span>
              <span className="dash-row-main">
                <Link to={task.projectId ? `/projects/${task.projectId}` : '/tasks'}>{task.title}</Link>
                <span className="muted">due {formatLocalDate(task.dueDate, 'day')}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {moreTasks > 0 ? (
        <p>
          <Link to="/tasks">{plural(moreTasks, 'more task')} due</Link>
        </p>
      ) : null}
      <TruncationNotice truncation={data.agenda} hint="open the calendar to see the rest" timezone={data.timezone} />
    </Card>
  );
}

export function InboxCard({ count }: { count: number }) {
  return (
    <Card id="inbox" title="Inbox">
      <p className="dash-figure">
        <Link to="/inbox" aria-label={`Inbox: ${plural(count, 'item')} to sort`}>
          {count.toLocaleString()}
        </Link>
      </p>
      <p className="muted">
        {count === 0 ? (
          <>
            Inbox zero.{' '}
            <span className="keys-hint">
              Press <kbd>c</kbd> anywhere to capture.
            </span>
          </>
        ) : (
          <Link to="/inbox">{plural(count, 'capture')} waiting to be sorted</Link>
        )}
      </p>
    </Card>
  );
}

export function ProjectsCard({ projects }: { projects: TProject[] }) {
  return (
    <Card id="projects" title="Active projects" link={{ to: '/projects', label: 'Projects' }}>
      {projects.length === 0 ? (
        <p className="muted">
          No active projects. <Link to="/projects">Start one</Link> to track its progress here.
        </p>
      ) : (
        <ul className="dash-rows">
          {projects.slice(0, 8).map((project) => {
            const percent = Math.round(project.progress.ratio * 100);
            return (
              <li key={project.id} className="dash-project">
                <span className="dash-row-main">
                  <Link to={`/projects/${project.id}`}>{project.name}</Link>
                  <span className="muted">
                    {project.progress.done}/{project.progress.total} done
                  </span>
                </span>
                <progress
                  className="dash-progress"
                  max={100}
                  value={percent}
                  aria-label={`${project.name}: ${percent}% done`}
                  style={project.color ? { accentColor: project.color } : undefined}
                />
              </li>
            );
          })}
          {projects.length > 8 ? (
            <li>
              <Link to="/projects">All {projects.length} active projects</Link>
            </li>
          ) : null}
        </ul>
      )}
    </Card>
  );
}
