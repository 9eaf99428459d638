import type { TLoginInput } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { type Resolver, useForm } from 'react-hook-form';
import { Field, FormError } from '../../components/field';
import { applyServerErrors } from '../../lib/errors';
import { trpc } from '../../lib/trpc';

/**
 * The login schema and its resolver load after the first render (the sign-in page is most visitors' first page and
 * zod is a third of its JavaScript); a submit before they arrive waits for them.
 */
let validation: Promise<Resolver<TLoginInput>> | undefined;
function loadValidation() {
  validation ??= import('./login-validation')
    .then((module) => module.loginValidation)
    .catch((error: unknown) => {
      validation = undefined; // a failed download is tried again on the next submit
      throw error;
    });
  return validation;
}
const loginResolver: Resolver<TLoginInput> = async (values, context, options) =>
  (await loadValidation())(values, context, options);

/** Username or email and password. Calls `auth.login`; `onSignedIn` runs once the session cookies are set. */
export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  useEffect(() => {
    loadValidation().catch(() => {}); // a failure shows when the form is sent
  }, []);
  const form = useForm<TLoginInput>({
    resolver: loginResolver,
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
