import type { TCreateProjectInput, TProject } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatLocalDate } from '../../lib/local-date';
import { queryClient, trpc } from '../../lib/trpc';
import { DeleteProjectDialog, ProgressBar, STATUS_LABELS } from './project-bits';
import { ProjectFormDialog } from './project-form';
import './projects.css';

type Editing = { project: TProject | null } | null;

const invalidateProjects = () => queryClient.invalidateQueries(trpc.projects.pathFilter());

/** The user's projects as cards with their progress; archived ones on their own tab. */
export function ProjectsPage() {
  const [params, setParams] = useSearchParams();
  const archived = params.get('show') === 'archived';
  const projects = useQuery(trpc.projects.list.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<TProject | null>(null);
  const create = useMutation(trpc.projects.create.mutationOptions({ onSuccess: invalidateProjects }));
  const update = useMutation(trpc.projects.update.mutationOptions({ onSuccess: invalidateProjects }));
  const archive = useMutation(trpc.projects.archive.mutationOptions({ onSuccess: invalidateProjects }));

  const shown = (projects.data ?? []).filter((p) => (p.status === 'archived') === archived);
  const save = async (values: TCreateProjectInput) => {
    if (editing?.project) await update.mutateAsync({ id: editing.project.id, ...values });
    else await create.mutateAsync(values);
    setEditing(null);
  };

  return (
    <div className="page tasks-page">
      <PageHeader title="Projects">
        <button type="button" className="button button-primary" onClick={() => setEditing({ project: null })}>
          New project
        </button>
      </PageHeader>
      <nav className="tabs" aria-label="Project lists">
        <Link to="/projects" className="tab" aria-current={!archived ? 'page' : undefined}>
          Current
        </Link>
        <Link to="/projects?show=archived" className="tab" aria-current={archived ? 'page' : undefined}>
          Archived
        </Link>
      </nav>
      {archive.isError || update.isError ? (
        <p className="alert alert-error" role="alert">
          {errorMessage(archive.error ?? update.error)}
        </p>
      ) : null}
      {!projects.data ? (
        projects.isError ? (
          <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
        ) : (
          <LoadingState label="Loading projects…" />
        )
      ) : shown.length === 0 ? (
        archived ? (
          <EmptyState title="No archived projects">
            <button type="button" className="button" onClick={() => setParams({})}>
              Back to current projects
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No projects yet">
            <p>A project gathers the tasks towards one outcome, with a target date and its progress.</p>
            <button type="button" className="button button-primary" onClick={() => setEditing({ project: null })}>
              Create your first project
            </button>
          </EmptyState>
        )
      ) : (
        <ul className="project-grid" aria-label="Projects">
          {shown.map((project) => (
            <li key={project.id}>
              <article
                className="project-card"
                aria-label={project.name}
                style={project.color ? { borderTopColor: project.color } : undefined}
              >
                <h2 className="project-card-title">
                  <Link to={`/projects/${project.id}`}>{project.name}</Link>
                </h2>
                <p className="list-meta">
                  <span className={project.status === 'active' ? 'badge badge-accent' : 'badge'}>
                    {STATUS_LABELS[project.status]}
                  </span>
                  {project.area ? <span className="badge">{project.area}</span> : null}
                  {project.targetDate ? <span>Target {formatLocalDate(project.targetDate, 'weekday')}</span> : null}
                </p>
                {project.description ? <p className="small muted project-description">{project.description}</p> : null}
                <ProgressBar progress={project.progress} color={project.color} />
                <div className="row-actions">
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Edit ${project.name}`}
                    onClick={() => setEditing({ project })}
                  >
                    Edit
                  </button>
                  {project.status === 'archived' ? (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Restore ${project.name}`}
                      onClick={() => update.mutate({ id: project.id, status: 'active' })}
                    >
                      Restore
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Archive ${project.name}`}
                      onClick={() => archive.mutate({ id: project.id })}
                    >
                      Archive
                    </button>
                  )}
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    aria-label={`Delete ${project.name}`}
                    onClick={() => setDeleting(project)}
                  >
                    Delete
                  </button>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <ProjectFormDialog project={editing.project} onClose={() => setEditing(null)} onSubmit={save} />
      ) : null}
      {deleting ? <DeleteProjectDialog project={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}
