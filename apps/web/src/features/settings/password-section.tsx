import { zodResolver } from '@hookform/resolvers/zod';
import { ZChangePasswordInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { Panel } from '../../components/panel';
import { applyServerErrors } from '../../lib/errors';
import { errorCode, queryClient, trpc } from '../../lib/trpc';

const ZPasswordForm = ZChangePasswordInput.extend({
  currentPassword: z.string().min(1, { error: 'Enter your current password' }).max(256),
  confirmPassword: z.string(),
}).refine((v) => v.newPassword === v.confirmPassword, {
  path: ['confirmPassword'],
  error: 'The new passwords do not match',
});

const EMPTY = { currentPassword: '', newPassword: '', confirmPassword: '' };

export function PasswordSection() {
  const form = useForm({ resolver: zodResolver(ZPasswordForm), defaultValues: EMPTY });
  const change = useMutation(trpc.auth.changePassword.mutationOptions());
  const me = useQuery(trpc.auth.me.queryOptions());
  const [done, setDone] = useState(false);
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    setDone(false);
    try {
      await change.mutateAsync({ currentPassword, newPassword });
    } catch (error) {
      if (errorCode(error) === 'FORBIDDEN') {
        form.setError(
          'currentPassword',
          { type: 'server', message: 'Your current password is not right' },
          { shouldFocus: true },
        );
      } else {
        applyServerErrors(error, form.setError, ['currentPassword', 'newPassword']);
      }
      return;
    }
    form.reset(EMPTY);
    setDone(true);
    void queryClient.invalidateQueries(trpc.auth.sessions.list.queryFilter());
  });

  return (
    <Panel
      id="password"
      title="Password"
      description="Changing it signs out every other device; this one stays signed in."
    >
      <form className="form form-narrow" onSubmit={onSubmit} noValidate>
        {done ? (
          <div className="alert alert-success" role="status">
            Password changed. Every other session was signed out; sign in there again with the new password.
          </div>
        ) : null}
        <FormError message={errors.root?.server?.message} />
        {/* Lets password managers tie the new password to the account. */}
        <input type="text" name="username" autoComplete="username" value={me.data?.username ?? ''} hidden readOnly />
        <Field label="Current password" error={errors.currentPassword?.message}>
          {(props) => (
            <input {...props} {...form.register('currentPassword')} type="password" autoComplete="current-password" />
          )}
        </Field>
        <Field label="New password" error={errors.newPassword?.message} hint="At least 12 characters.">
          {(props) => (
            <input {...props} {...form.register('newPassword')} type="password" autoComplete="new-password" />
          )}
        </Field>
        <Field label="Repeat the new password" error={errors.confirmPassword?.message}>
          {(props) => (
            <input {...props} {...form.register('confirmPassword')} type="password" autoComplete="new-password" />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={isSubmitting}>
            {isSubmitting ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </Panel>
  );
}
