import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Panel } from './panel';
import type { QueryView } from './states';

function query<T>(state: Partial<QueryView<T>>): QueryView<T> {
  return { data: undefined, error: null, isError: false, refetch: vi.fn(), ...state };
}

const renderNames = (view: QueryView<string[]>) =>
  render(
    <Panel
      title="Names"
      query={view}
      loading="Loading names…"
      empty={{ when: (names) => names.length === 0, title: 'No names yet' }}
    >
      {(names) => <p>{names.join(', ')}</p>}
    </Panel>,
  );

describe('the panel contract', () => {
  it('is a region named by its heading, with its description and actions', () => {
    render(
      <Panel title="Sessions" description="Devices signed in." actions={<a href="/x">More</a>} testId="sessions">
        <p>Body</p>
      </Panel>,
    );
    const region = screen.getByRole('region', { name: 'Sessions' });
    expect(within(region).getByRole('heading', { level: 2, name: 'Sessions' })).toBeTruthy();
    expect(within(region).getByText('Devices signed in.')).toBeTruthy();
    expect(within(region).getByRole('link', { name: 'More' })).toBeTruthy();
    expect(screen.getByTestId('sessions')).toBe(region);
  });

  it('takes the focus to its h3 heading when asked', () => {
    render(
      <Panel title="Your new key" level={3} focusOnMount>
        <p>Body</p>
      </Panel>,
    );
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 3, name: 'Your new key' }));
  });

  it('says what loads, then shows the data under the same heading', () => {
    const { rerender } = renderNames(query({}));
    const region = screen.getByRole('region', { name: 'Names' });
    expect(within(region).getByRole('status').textContent).toContain('Loading names…');
    rerender(
      <Panel title="Names" query={query({ data: ['Ada', 'Grace'] })} loading="Loading names…">
        {(names) => <p>{names.join(', ')}</p>}
      </Panel>,
    );
    expect(within(region).getByText('Ada, Grace')).toBeTruthy();
    expect(within(region).queryByRole('status')).toBeNull();
  });

  it('shows an error with a retry, and says when the answer holds nothing', () => {
    const refetch = vi.fn();
    renderNames(query({ isError: true, error: new Error('The server is away'), refetch }));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The server is away');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(refetch).toHaveBeenCalledOnce();

    renderNames(query({ data: [] }));
    expect(screen.getByText('No names yet')).toBeTruthy();
  });

  it('keeps showing its data when a later refetch fails', () => {
    renderNames(query({ data: ['Ada'], isError: true, error: new Error('offline') }));
    expect(screen.getByText('Ada')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
