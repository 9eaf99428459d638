import { afterEach, describe, expect, it, vi } from 'vitest';
import { MockTrpcError, mockTrpc } from '../test/mock-trpc';
import { errorCode, onSessionExpired, refreshAfterReconnect, trpcClient } from './trpc';

const me = { id: '6f1c1a44-4a55-4b1e-9b4c-3f2d3c2b1a00', username: 'owner' };

/** A server whose access token has expired until `auth.refresh` succeeds. */
function expiredSession(options: { refreshWorks: boolean; offline?: boolean | (() => boolean) }) {
  let signedIn = false;
  const guarded = (value: unknown) => () => {
    if (!signedIn) throw new MockTrpcError('UNAUTHORIZED', 'Sign in to continue');
    return value;
  };
  return mockTrpc({
    'auth.me': guarded(me),
    'settings.get': guarded({ theme: 'dark' }),
    'auth.refresh': async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (typeof options.offline === 'function' ? options.offline() : options.offline) {
        throw new TypeError('Failed to fetch');
      }
      if (!options.refreshWorks) throw new MockTrpcError('UNAUTHORIZED', 'Your session has ended.');
      signedIn = true;
      return { user: me };
    },
    'auth.login': () => {
      throw new MockTrpcError('UNAUTHORIZED', 'Invalid username or password');
    },
  });
}

afterEach(() => onSessionExpired(() => {}));

describe('silent refresh', () => {
  it('refreshes once for concurrent failures and retries each call', async () => {
    const api = expiredSession({ refreshWorks: true });
    const first = trpcClient.auth.me.query();
    // A second call in another batch, failing while the refresh is in flight.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [a, b, c] = await Promise.all([first, trpcClient.settings.get.query(), trpcClient.auth.me.query()]);
    expect(a).toEqual(me);
    expect(b).toEqual({ theme: 'dark' });
    expect(c).toEqual(me);
    expect(api.callsTo('auth.refresh')).toHaveLength(1);
    expect(api.callsTo('auth.refresh')[0]?.headers.get('x-lifeos-csrf')).toBe('1');
    expect(api.callsTo('auth.me').length).toBe(4);
  });

  it('retries without another refresh a call refused before a refresh that has finished since', async () => {
    let signedIn = false;
    const api = mockTrpc({
      'auth.me': () => {
        if (!signedIn) throw new MockTrpcError('UNAUTHORIZED', 'Sign in to continue');
        return me;
      },
      // Refused when it arrives, answered only after the other call's refresh is over.
      'settings.get': async () => {
        const wasSignedIn = signedIn;
        await new Promise((resolve) => setTimeout(resolve, 80));
        if (!wasSignedIn) throw new MockTrpcError('UNAUTHORIZED', 'Sign in to continue');
        return { theme: 'dark' };
      },
      'auth.refresh': () => {
        signedIn = true;
        return { user: me };
      },
    });
    const [settings, user] = await Promise.all([
      trpcClient.settings.get.query(undefined, { context: { skipBatch: true } }),
      trpcClient.auth.me.query(),
    ]);
    expect(settings).toEqual({ theme: 'dark' });
    expect(user).toEqual(me);
    expect(api.callsTo('auth.refresh')).toHaveLength(1);
    expect(api.callsTo('settings.get')).toHaveLength(2);
  });

  it('gives up after a failed refresh and reports the expired session once per call', async () => {
    const api = expiredSession({ refreshWorks: false });
    const expired = vi.fn();
    onSessionExpired(expired);
    const results = await Promise.allSettled([trpcClient.auth.me.query(), trpcClient.settings.get.query()]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(errorCode((result as PromiseRejectedResult).reason)).toBe('UNAUTHORIZED');
    }
    expect(api.callsTo('auth.refresh')).toHaveLength(1);
    expect(expired).toHaveBeenCalled();
    // No retry loop: each call went out once.
    expect(api.callsTo('auth.me')).toHaveLength(1);
  });

  it('does not sign out when the refresh could not reach the server', async () => {
    expiredSession({ refreshWorks: true, offline: true });
    const expired = vi.fn();
    onSessionExpired(expired);
    const error = await trpcClient.auth.me.query().catch((e: unknown) => e);
    expect(errorCode(error)).toBe('UNAUTHORIZED');
    expect(expired).not.toHaveBeenCalled();
  });

  it('refreshes once the network is back (issue 21), and only a refused refresh then ends the session', async () => {
    let offline = true;
    const api = expiredSession({ refreshWorks: true, offline: () => offline });
    const expired = vi.fn();
    onSessionExpired(expired);
    await trpcClient.auth.me.query().catch(() => undefined);
    expect(expired).not.toHaveBeenCalled();

    offline = false;
    expect(await refreshAfterReconnect()).toBe('refreshed');
    expect(await trpcClient.auth.me.query()).toEqual(me);
    // Nothing left to refresh: the next reconnect asks nothing.
    expect(await refreshAfterReconnect()).toBeNull();
    expect(api.callsTo('auth.refresh')).toHaveLength(2);
    expect(expired).not.toHaveBeenCalled();
  });

  it('does not refresh when the login itself is refused', async () => {
    const api = expiredSession({ refreshWorks: true });
    await expect(trpcClient.auth.login.mutate({ identifier: 'owner', password: 'wrong password' })).rejects.toThrow(
      'Invalid username or password',
    );
    expect(api.callsTo('auth.refresh')).toHaveLength(0);
  });
});
