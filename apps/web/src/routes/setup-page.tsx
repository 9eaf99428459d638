import { useNavigate } from 'react-router';
import { AuthLayout } from '../features/auth/auth-layout';
import { SetupForm } from '../features/auth/setup-form';
import { queryClient, trpc } from '../lib/trpc';

export function SetupPage() {
  const navigate = useNavigate();
  return (
    <AuthLayout
      title="Create the owner account"
      intro={
        <p>
          Welcome. Life OS has no accounts yet: the one you create now owns this installation. Afterwards sign-up is
          closed.
        </p>
      }
    >
      <SetupForm
        onCreated={() => {
          void queryClient.invalidateQueries(trpc.auth.setupStatus.queryFilter());
          queryClient.removeQueries(trpc.auth.me.queryFilter());
          void navigate('/', { replace: true });
        }}
      />
    </AuthLayout>
  );
}
