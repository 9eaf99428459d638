import { type ReactNode, useId } from 'react';

export function SettingsSection({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section id={id} className="panel" aria-labelledby={headingId}>
      <div className="panel-header">
        <h2 id={headingId}>{title}</h2>
        {description ? <p className="panel-description">{description}</p> : null}
      </div>
      {children}
    </section>
  );
}
