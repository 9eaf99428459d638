import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { queryClient } from '../lib/trpc';

afterEach(() => {
  cleanup();
  queryClient.clear();
});
