import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { TimeZonePrompt } from './time-zone-prompt';

const SETTINGS = {
  username: 'ada',
  displayName: 'Ada',
  email: 'ada@example.com',
  timezone: 'UTC',
  weekStart: 'monday',
  units: 'metric',
  journalWordGoal: 750,
  theme: 'system',
};

function deviceIn(zone: string) {
  const real = Intl.DateTimeFormat;
  vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(((...args: ConstructorParameters<typeof real>) => {
    const format = new real(...args);
    const resolved = format.resolvedOptions();
    return Object.assign(format, { resolvedOptions: () => ({ ...resolved, timeZone: zone }) });
  }) as unknown as typeof Intl.DateTimeFormat);
}

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
  queryClient.clear();
});

function renderPrompt(timezone: string) {
  const calls = mockTrpc({
    'settings.get': () => ({ ...SETTINGS, timezone }),
    'settings.update': (input) => ({ ...SETTINGS, ...(input as object) }),
  });
  render(
    <QueryClientProvider client={queryClient}>
      <TimeZonePrompt />
    </QueryClientProvider>,
  );
  return calls;
}

describe('time zone offer', () => {
  it('offers to follow the device when the account counts days elsewhere, and switches', async () => {
    deviceIn('Europe/Berlin');
    const calls = renderPrompt('UTC');
    const region = await screen.findByRole('region', { name: 'Time zone' });
    expect(region.textContent).toContain('This device is in Europe/Berlin; Life OS counts your days in UTC.');
    fireEvent.click(screen.getByRole('button', { name: 'Use Europe/Berlin' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Time zone' })).toBeNull());
    expect(calls.callsTo('settings.update').map((c) => c.input)).toEqual([{ timezone: 'Europe/Berlin' }]);
  });

  it('stays quiet when the zones agree, and after "keep" for that device zone', async () => {
    deviceIn('Europe/Berlin');
    renderPrompt('Europe/Berlin');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('region', { name: 'Time zone' })).toBeNull();
  });

  it('remembers "keep" for this device zone', async () => {
    deviceIn('America/New_York');
    renderPrompt('UTC');
    fireEvent.click(await screen.findByRole('button', { name: 'Keep UTC' }));
    expect(screen.queryByRole('region', { name: 'Time zone' })).toBeNull();
    expect(localStorage.getItem('lifeos.timeZonePromptDismissed')).toBe('America/New_York');
  });
});
