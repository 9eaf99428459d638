import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { formatWeight, parseWeight } from '../../lib/units';
import { PlateCalculator } from './plate-calculator';
import { platesFor } from './plates';
import { SetEditor, type SetValues } from './set-row';

describe('the plate calculator', () => {
  it('loads the bar from the heaviest plate down, per unit', () => {
    expect(platesFor(100, 'kg').perSide).toEqual([25, 15]);
    expect(platesFor(142.5, 'kg').perSide).toEqual([25, 25, 10, 1.25]);
    expect(platesFor(225, 'lb').perSide).toEqual([45, 45]);
    expect(platesFor(315, 'lb').perSide).toEqual([45, 45, 45]);
    expect(platesFor(20, 'kg')).toMatchObject({ perSide: [], remainder: 0, belowBar: false });
    expect(platesFor(15, 'kg').belowBar).toBe(true);
    expect(platesFor(101, 'kg')).toMatchObject({ perSide: [25, 15], remainder: 1 });
  });

  it('shows the plates per side and what cannot be loaded', () => {
    const { rerender } = render(<PlateCalculator total={225} unit="lb" />);
    expect(screen.getByText(/Bar 45 lb/)).toBeTruthy();
    expect(screen.getByTestId('plates-per-side').textContent).toBe('45 + 45');
    rerender(<PlateCalculator total={61} unit="kg" />);
    expect(screen.getByTestId('plates-per-side').textContent).toBe('20');
    expect(screen.getByText('1 kg cannot be made with standard plates.')).toBeTruthy();
    rerender(<PlateCalculator total={10} unit="kg" />);
    expect(screen.getByText('Lighter than the 20 kg bar.')).toBeTruthy();
  });
});

describe('weights in the user’s unit', () => {
  it('round-trips 225 lb through stored kilograms', () => {
    const kg = parseWeight('225', 'lb');
    expect(kg).toBe(102.0583);
    expect(formatWeight(kg, 'lb')).toBe('225 lb');
    expect(formatWeight(102.5, 'kg')).toBe('102.5 kg');
    expect(formatWeight(null, 'kg')).toBe('—');
    expect(parseWeight('', 'kg')).toBeNull();
    expect(parseWeight('82,5', 'kg')).toBe(82.5);
  });

  it('logs a set typed in pounds as kilograms, and shows a stored set in pounds again', () => {
    const onSubmit = vi.fn<(values: SetValues) => void>();
    render(
      <SetEditor
        label="Set 1"
        initial={{ weightKg: 102.0583, reps: 5 }}
        cardio={false}
        barbell
        unit="lb"
        previous={{
          id: '00000000-0000-4000-8000-000000000001',
          exerciseId: '00000000-0000-4000-8000-000000000002',
          exerciseName: 'Squat (Barbell)',
          position: 0,
          reps: 5,
          weightKg: 102.0583,
          rpe: 8,
          durationS: null,
          distanceM: null,
          setType: 'normal',
          isWarmup: false,
          note: null,
          sourceName: null,
          completed: true,
        }}
        pending={false}
        submitLabel="Log set"
        onSubmit={onSubmit}
      />,
    );
    const weight = screen.getByLabelText('Set 1: weight (lb)') as HTMLInputElement;
    expect(weight.value).toBe('225');
    expect(screen.getByText('225 lb × 5 · @ 8')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Plates' }));
    expect(screen.getByTestId('plates-per-side').textContent).toBe('45 + 45');

    fireEvent.change(weight, { target: { value: '235' } });
    fireEvent.change(screen.getByLabelText('Set 1: RPE'), { target: { value: '8.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log set' }));
    expect(onSubmit).toHaveBeenCalledWith({ reps: 5, weightKg: 106.5942, rpe: 8.5, isWarmup: false });
    expect(formatWeight(106.5942, 'lb')).toBe('235 lb');
  });

  it('refuses a set without reps and an RPE off the half-step scale', () => {
    const onSubmit = vi.fn();
    render(
      <SetEditor
        label="Set 2"
        initial={{}}
        cardio={false}
        barbell={false}
        unit="kg"
        previous={undefined}
        pending={false}
        submitLabel="Log set"
        onSubmit={onSubmit}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Log set' }));
    expect(screen.getByRole('alert').textContent).toBe('Give the reps (a whole number)');
    fireEvent.change(screen.getByLabelText('Set 2: reps'), { target: { value: '8' } });
    fireEvent.change(screen.getByLabelText('Set 2: RPE'), { target: { value: '8.3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log set' }));
    expect(screen.getByRole('alert').textContent).toBe('RPE goes from 1 to 10 in half steps');
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
