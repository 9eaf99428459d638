import { zodResolver } from '@hookform/resolvers/zod';
import { ZSetupInput } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { applyServerErrors } from '../../lib/errors';
import { trpc } from '../../lib/trpc';

/** The API's schema plus a second password field, to catch a typo in a password nobody can reset yet. */
const ZSetupForm = ZSetupInput.extend({ confirmPassword: z.string() }).refine((v) => v.password === v.confirmPassword, {
  path: ['confirmPassword'],
  error: 'The passwords do not match',
});

const optional = (value: string) => (value.trim() === '' ? undefined : value);

/** The device's time zone, when the browser names one (it always does today; an old one may not). */
function deviceTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** First run: creates the owner account (`auth.setup`), which also signs them in. */
export function SetupForm({
  onCreated,
  submitLabel = 'Create the owner account',
}: {
  onCreated: () => void;
  submitLabel?: string;
}) {
  const form = useForm({
    resolver: zodResolver(ZSetupForm),
    defaultValues: { username: '', email: '', password: '', confirmPassword: '', displayName: undefined },
  });
  const setup = useMutation(trpc.auth.setup.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ confirmPassword: _, ...input }) => {
    try {
      // The account starts in this device's time zone, so "today" and streaks are the person's own from day one.
      const timezone = deviceTimeZone();
      await setup.mutateAsync(timezone ? { ...input, timezone } : input);
    } catch (error) {
      applyServerErrors(error, form.setError, ['username', 'email', 'password', 'displayName']);
      return;
    }
    onCreated();
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <FormError message={errors.root?.server?.message} />
      <Field label="Username" error={errors.username?.message} hint="Letters, digits, “.”, “_” and “-”.">
        {(props) => (
          <input
            {...props}
            {...form.register('username')}
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            // biome-ignore lint/a11y/noAutofocus: the first field of the only form on the page
            autoFocus
          />
        )}
      </Field>
      <Field label="Display name (optional)" error={errors.displayName?.message} hint="How Life OS greets you.">
        {(props) => (
          <input
            {...props}
            {...form.register('displayName', { setValueAs: optional })}
            type="text"
            autoComplete="name"
          />
        )}
      </Field>
      <Field label="Email" error={errors.email?.message}>
        {(props) => <input {...props} {...form.register('email')} type="email" autoComplete="email" />}
      </Field>
      <Field label="Password" error={errors.password?.message} hint="At least 12 characters. A few words work well.">
        {(props) => <input {...props} {...form.register('password')} type="password" autoComplete="new-password" />}
      </Field>
      <Field label="Repeat the password" error={errors.confirmPassword?.message}>
        {(props) => (
          <input {...props} {...form.register('confirmPassword')} type="password" autoComplete="new-password" />
        )}
      </Field>
      <button type="submit" className="button button-primary button-block" disabled={isSubmitting}>
        {isSubmitting ? 'Creating your account…' : submitLabel}
      </button>
    </form>
  );
}
