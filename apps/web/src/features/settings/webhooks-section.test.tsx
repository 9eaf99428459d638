import type { TWebhookDelivery, TWebhookEndpoint } from '@lifeos/core/schemas';
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { WebhooksSection } from './webhooks-section';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ROTATED = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const ENDPOINT_ID = '0b7c4a52-5a0e-4f55-8c1e-2a7b9d0e1f23';
const DELIVERY_ID = '7d1e0f6a-1b2c-4d3e-8f4a-5b6c7d8e9f01';

function endpointOf(url: string, eventTypes: TWebhookEndpoint['eventTypes']): TWebhookEndpoint {
  return {
    id: ENDPOINT_ID,
    url,
    description: '',
    eventTypes,
    enabled: true,
    createdAt: new Date('2026-12-07T10:00:00Z'),
    updatedAt: new Date('2026-12-07T10:00:00Z'),
    previousSecretExpiresAt: null,
  };
}

describe('Webhooks section', () => {
  it('adds an endpoint, shows its secret once, shows the log, replays a failure, rotates and deletes', async () => {
    const endpoints: TWebhookEndpoint[] = [];
    const deliveries: TWebhookDelivery[] = [
      {
        id: DELIVERY_ID,
        endpointId: ENDPOINT_ID,
        eventType: 'task.created',
        status: 'failed',
        attempts: 8,
        replays: 0,
        responseStatus: 500,
        latencyMs: 42,
        error: 'HTTP 500: receiver says no',
        createdAt: new Date('2026-12-07T10:01:00Z'),
        lastAttemptAt: new Date('2026-12-07T10:30:00Z'),
      },
    ];
    const api = mockTrpc({
      'webhooks.list': () => endpoints,
      'webhooks.create': (input) => {
        const { url, eventTypes } = input as { url: string; eventTypes: TWebhookEndpoint['eventTypes'] };
        const endpoint = endpointOf(url, eventTypes);
        endpoints.push(endpoint);
        return { endpoint, secret: SECRET };
      },
      'webhooks.deliveries': () => deliveries,
      'webhooks.replay': () => {
        deliveries[0] = { ...(deliveries[0] as TWebhookDelivery), status: 'pending', replays: 1 };
        return { ok: true };
      },
      'webhooks.rotateSecret': () => {
        const rotated = {
          ...(endpoints[0] as TWebhookEndpoint),
          previousSecretExpiresAt: new Date(Date.now() + 86_400_000),
        };
        endpoints[0] = rotated;
        return { endpoint: rotated, secret: ROTATED };
      },
      'webhooks.delete': () => {
        endpoints.length = 0;
        return { ok: true };
      },
    });
    render(
      <QueryClientProvider client={queryClient}>
        <WebhooksSection />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('No webhook endpoints yet')).toBeTruthy();

    // The form's own checks first: no event chosen, nothing sent.
    fireEvent.change(screen.getByLabelText('URL'), { target: { value: 'https://hooks.example.com/lifeos' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    expect(await screen.findByText('Choose at least one event')).toBeTruthy();
    expect(api.callsTo('webhooks.create')).toHaveLength(0);

    fireEvent.click(screen.getByLabelText('Task created'));
    fireEvent.click(screen.getByLabelText(/Journal entry saved/));
    fireEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    expect(((await screen.findByLabelText('Signing secret')) as HTMLInputElement).value).toBe(SECRET);
    expect(api.callsTo('webhooks.create')[0]?.input).toEqual({
      url: 'https://hooks.example.com/lifeos',
      eventTypes: ['task.created', 'journal.saved'],
    });
    expect(screen.getByText(/only time it is shown/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I have saved it' }));
    expect(document.body.textContent).not.toContain(SECRET);

    const list = await screen.findByRole('list', { name: 'Webhook endpoints' });
    expect(within(list).getByText('https://hooks.example.com/lifeos')).toBeTruthy();

    // The delivery log, and a replay of the failed delivery.
    fireEvent.click(within(list).getByRole('button', { name: 'Deliveries' }));
    const log = await screen.findByRole('table', { name: 'Deliveries' });
    expect(within(log).getByText('HTTP 500: receiver says no', { exact: false })).toBeTruthy();
    expect(within(log).getByText('42 ms')).toBeTruthy();
    fireEvent.click(within(log).getByRole('button', { name: 'Replay' }));
    await waitFor(() => expect(api.callsTo('webhooks.replay')[0]?.input).toEqual({ id: DELIVERY_ID }));
    await waitFor(() => expect(within(log).getByText('Waiting')).toBeTruthy());
    expect(within(log).queryByRole('button', { name: 'Replay' })).toBeNull();

    // Rotation: confirmed, then the new secret once, and the endpoint marked as signing with two.
    fireEvent.click(within(list).getByRole('button', { name: 'Rotate secret' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Rotate secret' }));
    expect(((await screen.findByLabelText('Signing secret')) as HTMLInputElement).value).toBe(ROTATED);
    expect(screen.getByText(/keeps signing beside it for 24 hours/)).toBeTruthy();
    expect(await within(list).findByText('Two secrets')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I have saved it' }));

    fireEvent.click(within(list).getByRole('button', { name: 'Delete https://hooks.example.com/lifeos' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete endpoint' }));
    expect(await screen.findByText('No webhook endpoints yet')).toBeTruthy();
    expect(api.callsTo('webhooks.delete')[0]?.input).toEqual({ id: ENDPOINT_ID });
  });
});
