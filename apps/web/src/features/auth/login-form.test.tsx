import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { MockTrpcError, mockTrpc } from '../../test/mock-trpc';
import { LoginForm } from './login-form';

const renderForm = (onSignedIn = vi.fn()) =>
  render(
    <QueryClientProvider client={queryClient}>
      <LoginForm onSignedIn={onSignedIn} />
    </QueryClientProvider>,
  );

describe('the login form', () => {
  it('checks the fields with the login schema (loaded after the first render) and sends nothing when empty', async () => {
    const api = mockTrpc({ 'auth.login': () => ({ ok: true }) });
    renderForm();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    // The schema is a dynamic import: on a busy machine its first load took over findByText's default second.
    expect(await screen.findByText('Enter your username or email', undefined, { timeout: 10_000 })).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    expect(api.calls).toHaveLength(0);
  });

  it('signs in with what was typed, trimmed by the schema', async () => {
    const api = mockTrpc({ 'auth.login': () => ({ ok: true }) });
    const onSignedIn = vi.fn();
    renderForm(onSignedIn);
    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: '  ada ' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledOnce());
    expect(api.calls.map((c) => c.input)).toEqual([{ identifier: 'ada', password: 'correct horse battery staple' }]);
  });

  it('says how long to wait when the server throttles (429), not that the password is wrong', async () => {
    mockTrpc({
      'auth.login': () => {
        throw new MockTrpcError('TOO_MANY_REQUESTS', 'Too many attempts — try again in 15 min.');
      },
    });
    const onSignedIn = vi.fn();
    renderForm(onSignedIn);
    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: 'ada' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Too many attempts — try again in 15 min.')).toBeTruthy();
    expect(onSignedIn).not.toHaveBeenCalled();
  });
});
