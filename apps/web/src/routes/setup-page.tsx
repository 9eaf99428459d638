import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { AuthLayout } from '../features/auth/auth-layout';
import { SetupForm } from '../features/auth/setup-form';
import { queryClient, trpc } from '../lib/trpc';

export function SetupPage() {
  const navigate = useNavigate();
  // The loader fetched it; when an owner exists this page is plain sign-up (the server has ALLOW_SIGNUP on).
  const status = useQuery(trpc.auth.setupStatus.queryOptions());
  const signUp = status.data?.needsSetup === false;
  return (
    <AuthLayout
      title={signUp ? 'Create your account' : 'Create the owner account'}
      intro={
        signUp ? (
          <p>
            Sign-up is open on this Life OS. Already have an account? <Link to="/login">Sign in</Link>.
          </p>
        ) : (
          <p>
            Welcome. Life OS has no accounts yet: the one you create now owns this installation. Afterwards sign-up is
            closed.
          </p>
        )
      }
    >
      <SetupForm
        submitLabel={signUp ? 'Create my account' : 'Create the owner account'}
        onCreated={() => {
          void queryClient.invalidateQueries(trpc.auth.setupStatus.queryFilter());
          queryClient.removeQueries(trpc.auth.me.queryFilter());
          void navigate('/', { replace: true });
        }}
      />
    </AuthLayout>
  );
}
