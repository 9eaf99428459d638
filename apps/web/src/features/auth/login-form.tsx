import { zodResolver } from '@hookform/resolvers/zod';
import { type TLoginInput, ZLoginInput } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Field, FormError } from '../../components/field';
import { applyServerErrors } from '../../lib/errors';
import { trpc } from '../../lib/trpc';

/** Username or email and password. Calls `auth.login`; `onSignedIn` runs once the session cookies are set. */
export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const form = useForm({
    resolver: zodResolver(ZLoginInput),
    defaultValues: { identifier: '', password: '' },
  });
  const login = useMutation(trpc.auth.login.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values: TLoginInput) => {
    try {
      await login.mutateAsync(values);
    } catch (error) {
      if (!applyServerErrors(error, form.setError, ['identifier', 'password'])) {
        form.resetField('password');
        form.setFocus('password');
      }
      return;
    }
    onSignedIn();
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <FormError message={errors.root?.server?.message} />
      <Field label="Username or email" error={errors.identifier?.message}>
        {(props) => (
          <input
            {...props}
            {...form.register('identifier')}
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            // biome-ignore lint/a11y/noAutofocus: the only thing to do on this page is to type here
            autoFocus
          />
        )}
      </Field>
      <Field label="Password" error={errors.password?.message}>
        {(props) => <input {...props} {...form.register('password')} type="password" autoComplete="current-password" />}
      </Field>
      <button type="submit" className="button button-primary button-block" disabled={isSubmitting}>
        {isSubmitting ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
