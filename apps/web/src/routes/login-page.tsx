import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '../features/auth/auth-layout';
import { LoginForm } from '../features/auth/login-form';
import { safeNext } from '../lib/session';
import { queryClient, trpc } from '../lib/trpc';

export function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const expired = params.has('next');
  const status = useQuery(trpc.auth.setupStatus.queryOptions());
  return (
    <AuthLayout
      title="Sign in"
      intro={expired ? <p>Your session has ended. Sign in again to continue where you were.</p> : null}
    >
      <LoginForm
        onSignedIn={() => {
          // Whoever was cached before (if anyone) is not who just signed in.
          queryClient.removeQueries(trpc.auth.me.queryFilter());
          void navigate(safeNext(params.get('next')), { replace: true });
        }}
      />
      {status.data?.signupOpen ? (
        <p className="auth-alt">
          New here? <Link to="/setup">Create an account</Link>
        </p>
      ) : null}
    </AuthLayout>
  );
}
