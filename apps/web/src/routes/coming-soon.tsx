import { PageHeader } from '../components/page-header';

/** A module that is not built yet: says what it will hold. */
export function ComingSoonPage({ title, blurb }: { title: string; blurb: string }) {
  return (
    <div className="page">
      <PageHeader title={title} />
      <div className="state state-empty">
        <p className="state-title">Coming soon</p>
        <p>{blurb}</p>
      </div>
    </div>
  );
}
