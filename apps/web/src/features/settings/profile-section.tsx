import { zodResolver } from '@hookform/resolvers/zod';
import { type TSettings, type TUpdateSettingsInput, ZUpdateSettingsInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { Panel } from '../../components/panel';
import { applyServerErrors } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';

/** The API's schema; only the word goal gets a clearer message for an empty number field. */
const ZProfileForm = ZUpdateSettingsInput.extend({
  journalWordGoal: z
    .number({ error: 'Enter a number of words' })
    .pipe(ZUpdateSettingsInput.shape.journalWordGoal.unwrap()),
});

type ProfileValues = Required<Omit<TSettings, 'username'>>;
const FIELDS = ['displayName', 'email', 'timezone', 'weekStart', 'units', 'journalWordGoal', 'theme'] as const;

function formValues(settings: TSettings): ProfileValues {
  const { username: _, ...values } = settings;
  return values;
}

/** Every IANA zone the browser knows, plus the saved one should the browser not list it (e.g. "UTC"). */
function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

export function ProfileSection() {
  const settings = useQuery(trpc.settings.get.queryOptions());
  return (
    <Panel
      id="profile"
      title="Profile"
      description="How Life OS knows you, and how it shows your days."
      query={settings}
      loading="Loading your profile…"
    >
      {(data) => <ProfileForm settings={data} />}
    </Panel>
  );
}

function ProfileForm({ settings }: { settings: TSettings }) {
  const form = useForm({ resolver: zodResolver(ZProfileForm), defaultValues: formValues(settings) });
  const update = useMutation(trpc.settings.update.mutationOptions());
  const [saved, setSaved] = useState(false);
  const { errors, isSubmitting, isDirty, dirtyFields } = form.formState;
  const zones = useMemo(() => timeZones(settings.timezone), [settings.timezone]);

  const onSubmit = form.handleSubmit(async (values) => {
    // Only what changed: `settings.update` leaves absent fields alone.
    const changes: TUpdateSettingsInput = {};
    for (const field of FIELDS) {
      if (dirtyFields[field]) Object.assign(changes, { [field]: values[field] });
    }
    let result: TSettings;
    try {
      result = await update.mutateAsync(changes);
    } catch (error) {
      applyServerErrors(error, form.setError, FIELDS);
      return;
    }
    queryClient.setQueryData(trpc.settings.get.queryKey(), result);
    if (changes.displayName !== undefined || changes.email !== undefined) {
      await queryClient.invalidateQueries(trpc.auth.me.queryFilter());
    }
    form.reset(formValues(result));
    setSaved(true);
  });

  return (
    <form className="form" onSubmit={onSubmit} onChange={() => setSaved(false)} noValidate>
      <FormError message={errors.root?.server?.message} />
      <div className="form-grid">
        <Field label="Display name" error={errors.displayName?.message}>
          {(props) => <input {...props} {...form.register('displayName')} type="text" autoComplete="name" />}
        </Field>
        <Field label="Email" error={errors.email?.message}>
          {(props) => <input {...props} {...form.register('email')} type="email" autoComplete="email" />}
        </Field>
        <Field label="Time zone" error={errors.timezone?.message} hint="Days, streaks and reminders follow it.">
          {(props) => (
            <select {...props} {...form.register('timezone')}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Week starts on" error={errors.weekStart?.message}>
          {(props) => (
            <select {...props} {...form.register('weekStart')}>
              <option value="monday">Monday</option>
              <option value="sunday">Sunday</option>
            </select>
          )}
        </Field>
        <Field label="Units" error={errors.units?.message}>
          {(props) => (
            <select {...props} {...form.register('units')}>
              <option value="metric">Metric (kg, km)</option>
              <option value="imperial">Imperial (lb, mi)</option>
            </select>
          )}
        </Field>
        <Field
          label="Journal word goal"
          error={errors.journalWordGoal?.message}
          hint="Words of morning pages a day (750 is the classic)."
        >
          {(props) => (
            <input
              {...props}
              {...form.register('journalWordGoal', { valueAsNumber: true })}
              type="number"
              inputMode="numeric"
              min={1}
              max={100000}
              step={1}
            />
          )}
        </Field>
      </div>
      <fieldset className="field">
        <legend>Theme</legend>
        <div className="segmented">
          {(['system', 'light', 'dark'] as const).map((theme) => (
            <label key={theme} className="segmented-option">
              <input type="radio" value={theme} {...form.register('theme')} />
              <span>{theme === 'system' ? 'Match the device' : theme === 'light' ? 'Light' : 'Dark'}</span>
            </label>
          ))}
        </div>
        {errors.theme?.message ? <p className="field-error">{errors.theme.message}</p> : null}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isSubmitting || !isDirty}>
          {isSubmitting ? 'Saving…' : 'Save profile'}
        </button>
        <output className="form-status" aria-live="polite">
          {saved && !isDirty ? 'Saved.' : ''}
        </output>
      </div>
    </form>
  );
}
