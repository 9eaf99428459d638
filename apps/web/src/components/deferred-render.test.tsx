import { act, fireEvent, render, screen } from '@testing-library/react';
import { Component, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeferredRender } from './deferred-render';

/** IntersectionObserver and requestIdleCallback under the test's control. */
class FakeIntersectionObserver {
  static instances: FakeIntersectionObserver[] = [];
  readonly targets: Element[] = [];
  disconnected = false;
  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeIntersectionObserver.instances.push(this);
  }
  observe(target: Element) {
    this.targets.push(target);
  }
  disconnect() {
    this.disconnected = true;
  }
  /** The observed element scrolls near the viewport. */
  enter() {
    const entries = this.targets.map((target) => ({ target, isIntersecting: true }) as IntersectionObserverEntry);
    this.callback(entries, this as unknown as IntersectionObserver);
  }
}

let idleCallbacks: (() => void)[] = [];

/** The browser goes idle once: runs the idle callbacks queued so far, then lets React render. */
async function idle() {
  const due = idleCallbacks;
  idleCallbacks = [];
  await act(async () => {
    for (const callback of due) callback();
  });
}

beforeEach(() => {
  FakeIntersectionObserver.instances = [];
  idleCallbacks = [];
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
  vi.stubGlobal('requestIdleCallback', (callback: () => void) => {
    idleCallbacks.push(callback);
    return idleCallbacks.length;
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function Slot({ name, load }: { name: string; load: () => Promise<string> }) {
  return (
    <DeferredRender height={120} placeholderClassName="box" load={load}>
      {(loaded) => <p>{`${name}: ${loaded}`}</p>}
    </DeferredRender>
  );
}

class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error ? <p role="alert">{String(this.state.error)}</p> : this.props.children;
  }
}

describe('DeferredRender', () => {
  it('keeps a same-size placeholder until its place is near the viewport, then renders in idle time', async () => {
    const load = vi.fn(async () => 'chart code');
    const { container } = render(<Slot name="mood" load={load} />);
    const placeholder = container.querySelector<HTMLElement>('[data-deferred-placeholder]');
    expect(placeholder?.style.height).toBe('120px');
    expect(placeholder?.className).toBe('box');
    expect(placeholder?.getAttribute('aria-hidden')).toBe('true');
    // Far from the viewport: not even its code is fetched.
    await idle();
    expect(load).not.toHaveBeenCalled();

    await act(async () => FakeIntersectionObserver.instances[0]?.enter());
    expect(load).toHaveBeenCalledTimes(1);
    expect(FakeIntersectionObserver.instances[0]?.disconnected).toBe(true);
    // Loaded, but the page is not idle yet.
    expect(screen.queryByText('mood: chart code')).toBeNull();

    await idle();
    expect(screen.getByText('mood: chart code')).toBeTruthy();
    expect(container.querySelector('[data-deferred-placeholder]')).toBeNull();
  });

  it('renders one slot per idle callback, so no two make one long task', async () => {
    const load = async () => 'code';
    render(
      <>
        <Slot name="first" load={load} />
        <Slot name="second" load={load} />
      </>,
    );
    await act(async () => {
      for (const observer of FakeIntersectionObserver.instances) observer.enter();
    });
    await idle();
    expect(screen.getByText('first: code')).toBeTruthy();
    expect(screen.queryByText('second: code')).toBeNull();
    await idle();
    expect(screen.getByText('second: code')).toBeTruthy();
  });

  it('loads every slot at the first Tab, so keyboard users meet charts below the fold', async () => {
    const load = vi.fn(async () => 'code');
    render(
      <>
        <Slot name="first" load={load} />
        <Slot name="second" load={load} />
      </>,
    );
    fireEvent.keyDown(document, { key: 'a' });
    expect(load).not.toHaveBeenCalled();
    await act(async () => fireEvent.keyDown(document, { key: 'Tab' }));
    expect(load).toHaveBeenCalledTimes(2);
    await idle();
    await idle();
    expect(screen.getByText('first: code')).toBeTruthy();
    expect(screen.getByText('second: code')).toBeTruthy();
  });

  it('hands a failed load to the error boundary, like a failed lazy import', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <Boundary>
        <Slot name="mood" load={() => Promise.reject(new TypeError('Failed to fetch dynamically imported module'))} />
      </Boundary>,
    );
    await act(async () => FakeIntersectionObserver.instances[0]?.enter());
    expect(screen.getByRole('alert').textContent).toContain('dynamically imported module');
  });

  it('renders without IntersectionObserver (older browsers) once idle', async () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    render(<Slot name="mood" load={async () => 'code'} />);
    await act(async () => {});
    await idle();
    expect(screen.getByText('mood: code')).toBeTruthy();
  });
});
