import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { UpdatePrompt } from './update-prompt';

describe('UpdatePrompt', () => {
  it('says nothing while no new version waits, but keeps its live region for the announcement', () => {
    render(<UpdatePrompt open={false} onReload={() => {}} onDismiss={() => {}} />);
    const region = screen.getByRole('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(region.textContent).toBe('');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('offers Reload and a dismiss once a new version waits, inside the live region', () => {
    const onReload = vi.fn();
    const onDismiss = vi.fn();
    render(<UpdatePrompt open onReload={onReload} onDismiss={onDismiss} />);
    const region = screen.getByRole('status');
    expect(region.textContent).toContain('A new version of Life OS is ready');
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(onDismiss).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: /dismiss/i }));
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('cannot be clicked twice while the new version takes over', () => {
    const onReload = vi.fn();
    render(<UpdatePrompt open reloading onReload={onReload} onDismiss={() => {}} />);
    const reload = screen.getByRole('button', { name: 'Reloading…' }) as HTMLButtonElement;
    expect(reload.disabled).toBe(true);
  });
});
