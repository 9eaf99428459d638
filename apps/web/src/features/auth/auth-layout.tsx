import type { ReactNode } from 'react';

/** The calm, centred frame of the pages before sign-in. */
export function AuthLayout({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Life OS
        </p>
        <h1 tabIndex={-1}>{title}</h1>
        {intro ? <div className="auth-intro">{intro}</div> : null}
        {children}
      </div>
    </main>
  );
}
