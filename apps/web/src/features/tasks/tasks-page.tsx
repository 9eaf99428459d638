import { type TTaskDue, ZTaskDue } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { trpc } from '../../lib/trpc';
import './tasks.css';
import { TaskError, TaskLine, useToggleTask } from './task-row';

const TABS: { due: TTaskDue; label: string; empty: string }[] = [
  { due: 'today', label: 'Today', empty: 'Nothing due today' },
  { due: 'overdue', label: 'Overdue', empty: 'Nothing overdue' },
  { due: 'week', label: 'This week', empty: 'Nothing due this week' },
];

/** Open tasks by due date: today, overdue, and the next seven days. */
export function TasksPage() {
  const [params] = useSearchParams();
  const parsedDue = ZTaskDue.safeParse(params.get('due'));
  const due: TTaskDue = parsedDue.success ? parsedDue.data : 'today';
  const tab = TABS.find((t) => t.due === due) ?? TABS[0];
  const tasks = useQuery(trpc.tasks.list.queryOptions({ due }));
  const projects = useQuery(trpc.projects.list.queryOptions());
  const { toggle, pending, error } = useToggleTask();
  const projectName = (id: string | null) => (id ? projects.data?.find((p) => p.id === id)?.name : undefined);

  return (
    <div className="page tasks-page">
      <PageHeader title="Tasks" />
      <nav className="tabs" aria-label="Task views">
        {TABS.map((t) => (
          <Link
            key={t.due}
            to={`/tasks?due=${t.due}`}
            className="tab"
            aria-current={t.due === due ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <TaskError error={error} />
      {!tasks.data ? (
        tasks.isError ? (
          <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />
        ) : (
          <LoadingState label="Loading tasks…" />
        )
      ) : tasks.data.length === 0 ? (
        <EmptyState title={tab?.empty ?? 'Nothing here'}>
          <p>
            Tasks come from <Link to="/projects">projects</Link> and from processing the <Link to="/inbox">inbox</Link>.
          </p>
        </EmptyState>
      ) : (
        <ul className="list task-list" aria-label={`Tasks: ${tab?.label ?? ''}`}>
          {tasks.data.map((task) => (
            <li key={task.id} className="list-item task-item">
              <TaskLine task={task} toggle={toggle} pending={pending(task)} projectName={projectName(task.projectId)}>
                {task.projectId ? (
                  <Link to={`/projects/${task.projectId}`} className="button button-small">
                    Open project
                  </Link>
                ) : null}
              </TaskLine>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
