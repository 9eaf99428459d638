import type { TChannels, TReminderPreferences } from '@lifeos/core/schemas';
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { NotificationList } from '../notifications';
import { applicationServerKey, NotificationsSection } from './notifications-section';

const PHONE = '0d6f3f0e-6f5c-4c1e-9a53-2f4b6f0b1a01';
const EMAIL = '0d6f3f0e-6f5c-4c1e-9a53-2f4b6f0b1a02';
const CHANNELS: TChannels = {
  channels: [
    {
      id: PHONE,
      kind: 'webpush',
      label: 'Firefox on Android',
      address: null,
      status: 'failing',
      lastError: 'The push service answered 500',
      lastSuccessAt: null,
      createdAt: new Date('2026-12-01T10:00:00Z'),
    },
    {
      id: EMAIL,
      kind: 'email',
      label: 'Email',
      address: 'ada@example.com',
      status: 'ok',
      lastError: null,
      lastSuccessAt: new Date('2026-12-06T08:00:00Z'),
      createdAt: new Date('2026-12-01T10:00:00Z'),
    },
  ],
  push: { publicKey: 'BAAB' },
  email: { available: true, unsubscribedKinds: [] },
};
const PREFERENCES: TReminderPreferences = {
  taskReminders: true,
  taskTime: '09:00',
  taskOffsetMinutes: 0,
  agendaTime: null,
  quietStart: null,
  quietEnd: null,
  lateWindowMinutes: 60,
};

afterEach(() => queryClient.clear());

function renderWithClient(node: React.ReactNode) {
  render(<QueryClientProvider client={queryClient}>{node}</QueryClientProvider>);
}

describe('Settings → Notifications', () => {
  it('shows each channel’s status with its last error, and sends a test to one', async () => {
    const api = mockTrpc({
      'notifications.channels': () => CHANNELS,
      'reminders.preferences': () => PREFERENCES,
      'notifications.sendTest': () => ({ notificationId: 7 }),
    });
    renderWithClient(<NotificationsSection />);
    expect(await screen.findByText('failing: The push service answered 500')).toBeTruthy();
    expect(screen.getByText('Email to ada@example.com')).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: /Email/ }) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Send test to Firefox on Android' }));
    expect(await screen.findByText('Test sent.')).toBeTruthy();
    expect(api.calls.find((c) => c.path === 'notifications.sendTest')?.input).toEqual({ channelId: PHONE });
  });

  it('saves only what changed, quiet hours as a pair', async () => {
    const api = mockTrpc({
      'notifications.channels': () => CHANNELS,
      'reminders.preferences': () => PREFERENCES,
      'reminders.updatePreferences': (input) => ({ ...PREFERENCES, ...(input as object) }),
    });
    renderWithClient(<NotificationsSection />);
    fireEvent.change(await screen.findByLabelText('Daily agenda at'), { target: { value: '07:30' } });
    fireEvent.change(screen.getByLabelText('Quiet hours from'), { target: { value: '22:00' } });
    fireEvent.change(screen.getByLabelText('Quiet hours until'), { target: { value: '07:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    await waitFor(() =>
      expect(api.calls.find((c) => c.path === 'reminders.updatePreferences')?.input).toEqual({
        agendaTime: '07:30',
        quietStart: '22:00',
        quietEnd: '07:00',
      }),
    );
  });

  it('turns the VAPID key into the bytes the browser subscribes with', () => {
    expect([...applicationServerKey('BAAB_-8')]).toEqual([4, 0, 1, 255, 239]);
  });
});

describe('the notification list', () => {
  it('lists what was sent with each delivery, late and dropped ones marked', async () => {
    mockTrpc({
      'notifications.list': () => [
        {
          id: 2,
          kind: 'task',
          title: 'Pay the rent',
          body: 'Due today',
          url: '/tasks',
          dueAt: new Date('2026-12-07T08:00:00Z'),
          sentAt: new Date('2026-12-07T08:20:00Z'),
          late: true,
          status: 'sent',
          createdAt: new Date('2026-12-07T08:20:00Z'),
          deliveries: [
            {
              id: 1,
              channelId: PHONE,
              channelKind: 'webpush',
              channelLabel: 'Firefox on Android',
              status: 'sent',
              attempts: 1,
              lastError: null,
              sentAt: new Date('2026-12-07T08:20:01Z'),
            },
          ],
        },
        {
          id: 1,
          kind: 'task',
          title: 'Old one',
          body: 'Due today',
          url: '/tasks',
          dueAt: new Date('2026-12-06T08:00:00Z'),
          sentAt: null,
          late: false,
          status: 'dropped',
          createdAt: new Date('2026-12-07T08:20:00Z'),
          deliveries: [],
        },
      ],
    });
    renderWithClient(<NotificationList />);
    expect(await screen.findByText('Pay the rent')).toBeTruthy();
    expect(screen.getByText('sent late')).toBeTruthy();
    expect(screen.getByText('Firefox on Android: delivered')).toBeTruthy();
    expect(screen.getByText('dropped: server was down')).toBeTruthy();
  });
});
