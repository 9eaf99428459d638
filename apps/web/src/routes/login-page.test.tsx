import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { queryClient } from '../lib/trpc';
import { MockTrpcError, mockTrpc } from '../test/mock-trpc';
import { LoginPage } from './login-page';

function renderLogin(path = '/login') {
  const router = createMemoryRouter(
    [
      { path: '/login', Component: LoginPage },
      { path: '/', element: <p>Dashboard home</p> },
      { path: '/settings', element: <p>Settings home</p> },
    ],
    { initialEntries: [path] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const user = {
  id: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a00',
  username: 'owner',
  email: 'o@example.com',
  displayName: 'O',
};

describe('login form', () => {
  it('shows validation errors and does not call the API with empty fields', async () => {
    const api = mockTrpc({ 'auth.login': () => ({ user }) });
    renderLogin();

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Enter your username or email')).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    expect(screen.getByLabelText('Username or email').getAttribute('aria-invalid')).toBe('true');
    // The error is tied to its field for screen readers.
    const describedBy = screen.getByLabelText('Username or email').getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy)?.textContent).toBe('Enter your username or email');
    expect(api.callsTo('auth.login')).toHaveLength(0);
  });

  it('calls auth.login with the trimmed identifier and the CSRF header, then goes to `next`', async () => {
    const api = mockTrpc({ 'auth.login': () => ({ user }) });
    const router = renderLogin('/login?next=%2Fsettings');

    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: '  owner ' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form') as HTMLFormElement);

    expect(await screen.findByText('Settings home')).toBeTruthy();
    expect(router.state.location.pathname).toBe('/settings');
    const [call] = api.callsTo('auth.login');
    expect(call?.input).toEqual({ identifier: 'owner', password: 'correct horse battery staple' });
    expect(call?.headers.get('x-lifeos-csrf')).toBe('1');
  });

  it('never follows a `next` that leaves the site', async () => {
    mockTrpc({ 'auth.login': () => ({ user }) });
    const router = renderLogin('/login?next=%2F%2Fevil.example%2F');
    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: 'owner' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Dashboard home')).toBeTruthy();
    expect(router.state.location.pathname).toBe('/');
  });

  it('shows the server’s answer to wrong credentials, clears the password and does not try a refresh', async () => {
    const api = mockTrpc({
      'auth.login': () => {
        throw new MockTrpcError('UNAUTHORIZED', 'Invalid username or password');
      },
    });
    renderLogin();

    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: 'owner' } });
    const password = screen.getByLabelText('Password') as HTMLInputElement;
    fireEvent.change(password, { target: { value: 'not the password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Invalid username or password');
    await waitFor(() => expect(password.value).toBe(''));
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false);
    expect(api.callsTo('auth.refresh')).toHaveLength(0);
  });

  it('shows server field errors next to their fields', async () => {
    mockTrpc({
      'auth.login': () => {
        throw new MockTrpcError('BAD_REQUEST', 'Invalid input', { identifier: ['Too long for a username'] });
      },
    });
    renderLogin();
    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: 'owner' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'whatever password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Too long for a username')).toBeTruthy();
  });
});
