import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SetEditor, type SetValues } from './set-row';
import { useWakeLock } from './use-wake-lock';

function editor(unit: 'kg' | 'lb', initial: Partial<SetValues>) {
  const onSubmit = vi.fn<(values: SetValues) => void>();
  render(
    <SetEditor
      label="Set 1"
      initial={initial}
      cardio={false}
      barbell={false}
      unit={unit}
      previous={undefined}
      pending={false}
      submitLabel="Done"
      onSubmit={onSubmit}
    />,
  );
  return onSubmit;
}

describe('the set editor’s steppers', () => {
  it('move the weight by a plate pair and the reps by one, and log what they show', () => {
    const onSubmit = editor('kg', { weightKg: 100, reps: 5 });
    fireEvent.click(screen.getByRole('button', { name: 'Set 1 weight: 2.5 kg more' }));
    fireEvent.click(screen.getByRole('button', { name: 'Set 1 weight: 2.5 kg more' }));
    fireEvent.click(screen.getByRole('button', { name: 'Set 1 reps: one rep less' }));
    expect((screen.getByLabelText('Set 1: weight (kg)') as HTMLInputElement).value).toBe('105');
    expect((screen.getByLabelText('Set 1: reps') as HTMLInputElement).value).toBe('4');
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ weightKg: 105, reps: 4 }));
  });

  it('step in pounds for imperial users, start from an empty field and never go below zero', () => {
    editor('lb', {});
    fireEvent.click(screen.getByRole('button', { name: 'Set 1 weight: 5 lb more' }));
    expect((screen.getByLabelText('Set 1: weight (lb)') as HTMLInputElement).value).toBe('5');
    fireEvent.click(screen.getByRole('button', { name: 'Set 1 reps: one rep less' }));
    expect((screen.getByLabelText('Set 1: reps') as HTMLInputElement).value).toBe('0');
  });
});

function Workout({ active }: { active: boolean }) {
  useWakeLock(active);
  return null;
}

describe('useWakeLock', () => {
  const original = Object.getOwnPropertyDescriptor(navigator, 'wakeLock');
  afterEach(() => {
    if (original) Object.defineProperty(navigator, 'wakeLock', original);
    else Reflect.deleteProperty(navigator, 'wakeLock');
  });

  it('keeps the screen on during a workout, again after the page was hidden, and lets go at the end', async () => {
    const sentinels: { released: boolean; release: () => Promise<void> }[] = [];
    const request = vi.fn(async () => {
      const sentinel = {
        released: false,
        release: vi.fn(async () => {
          sentinel.released = true;
        }),
      };
      sentinels.push(sentinel);
      return sentinel;
    });
    Object.defineProperty(navigator, 'wakeLock', { value: { request }, configurable: true });

    const { unmount } = render(<Workout active />);
    await act(async () => {});
    expect(request).toHaveBeenCalledWith('screen');
    // The browser releases the lock while the page is hidden; coming back takes a new one.
    const first = sentinels[0];
    if (first) first.released = true;
    await act(async () => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(request).toHaveBeenCalledTimes(2);
    unmount();
    expect(sentinels[1]?.release).toHaveBeenCalled();
  });

  it('asks for nothing when no workout is running', async () => {
    const request = vi.fn();
    Object.defineProperty(navigator, 'wakeLock', { value: { request }, configurable: true });
    render(<Workout active={false} />);
    await act(async () => {});
    expect(request).not.toHaveBeenCalled();
  });
});
