import 'fake-indexeddb/auto';
// IndexedDB for the offline cache and the outbox (happy-dom has none): an in-memory one per test file.
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { queryClient } from '../lib/trpc';

// findBy…/waitFor give up after 1 s by default: on the shared 2-core machine, with the api tests beside them, a
// form's first validation (its resolver loaded on first use) took 1.3 s twice today. What they wait for comes; the
// wait may be slow.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  queryClient.clear();
});
