import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryClient } from '../../lib/trpc';
import { mockTrpc } from '../../test/mock-trpc';
import { CaldavSection, davLocation } from './caldav-section';

const ME = {
  id: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  username: 'ada',
  email: 'ada@example.com',
  displayName: 'Ada',
};

function stubClipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

async function renderSection() {
  mockTrpc({ 'auth.me': () => ME });
  render(
    <QueryClientProvider client={queryClient}>
      <CaldavSection />
    </QueryClientProvider>,
  );
  return screen.findByRole('region', { name: 'Sync with your phone' });
}

describe('Sync with your phone', () => {
  it('shows the server URL on this site and the signed-in username', async () => {
    const section = await renderSection();
    const url = (await within(section).findByLabelText('Server URL')) as HTMLInputElement;
    expect(url.value).toBe(`${window.location.origin}/dav/`);
    expect(url.readOnly).toBe(true);
    expect((within(section).getByLabelText('Username') as HTMLInputElement).value).toBe('ada');
    // The password is a key from the section above, and which kind decides what the phone may do.
    expect(section.textContent).toMatch(/an API key made in API keys above/);
    expect(within(section).getByRole('link', { name: 'API keys' }).getAttribute('href')).toBe('#api-keys');
    expect(section.textContent).toMatch(/Read and write.*to change things from the phone/);
    expect(section.textContent).toMatch(/Calendars you subscribed to are not offered/);
  });

  it('copies each value with its own button and says so in a live region', async () => {
    const writeText = vi.fn(async () => {});
    stubClipboard(writeText);
    const section = await renderSection();

    fireEvent.click(await within(section).findByRole('button', { name: 'Copy server URL' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/dav/`));
    expect(await within(section).findByRole('button', { name: 'Copied server URL' })).toBeTruthy();
    const status = within(section).getByText('Copied the server URL to the clipboard.');
    expect(status.getAttribute('aria-live')).toBe('polite');

    fireEvent.click(within(section).getByRole('button', { name: 'Copy username' }));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('ada'));
    expect(await within(section).findByText('Copied the username to the clipboard.')).toBeTruthy();
  });

  it('selects the value for a manual copy when the clipboard is refused', async () => {
    stubClipboard(async () => {
      throw new Error('denied');
    });
    const section = await renderSection();
    fireEvent.click(await within(section).findByRole('button', { name: 'Copy server URL' }));
    expect(await within(section).findByText(/the server URL is selected, press Ctrl\+C/)).toBeTruthy();
    expect(document.activeElement).toBe(within(section).getByLabelText('Server URL'));
  });

  it('falls back the same way where there is no clipboard at all (plain HTTP)', async () => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    const section = await renderSection();
    fireEvent.click(await within(section).findByRole('button', { name: 'Copy username' }));
    expect(await within(section).findByText(/the username is selected, press Ctrl\+C/)).toBeTruthy();
    expect(document.activeElement).toBe(within(section).getByLabelText('Username'));
  });

  it('has per-client instructions behind native disclosures a keyboard reaches', async () => {
    const section = await renderSection();
    await within(section).findByLabelText('Server URL');
    const summaries = Array.from(section.querySelectorAll('summary'));
    expect(summaries.map((s) => s.textContent)).toEqual([
      'iPhone, iPad and Mac',
      'Android with DAVx⁵',
      'Thunderbird',
      'vdirsyncer, khal and todoman',
    ]);
    for (const summary of summaries) {
      // A summary that is the first child of its details is focusable and toggles with Enter and Space natively;
      // nothing here takes it out of the tab order.
      expect(summary.parentElement?.tagName).toBe('DETAILS');
      expect(summary.parentElement?.firstElementChild).toBe(summary);
      expect(summary.hasAttribute('tabindex')).toBe(false);
      summary.focus();
      expect(document.activeElement).toBe(summary);
    }

    const ios = summaries[0]?.parentElement as HTMLDetailsElement;
    expect(ios.open).toBe(false);
    ios.open = true;
    expect(ios.textContent).toContain('Add CalDAV Account');
    expect(within(ios).getAllByText(window.location.host).length).toBeGreaterThan(0);

    const cli = summaries[3]?.parentElement as HTMLDetailsElement;
    cli.open = true;
    const config = within(cli).getByLabelText('vdirsyncer configuration') as HTMLTextAreaElement;
    // A whole file vdirsyncer accepts: it refuses one without the general section's status_path.
    expect(config.value).toMatch(/^\[general\]\nstatus_path = /);
    expect(config.value).toContain('type = "caldav"');
    expect(config.value).toContain(`url = "${window.location.origin}/dav/"`);
    expect(config.value).toContain('username = "ada"');
    expect(within(cli).getByRole('button', { name: 'Copy configuration' })).toBeTruthy();
  });
});

describe('the CalDAV location', () => {
  it('warns about plain HTTP except on the machine itself', () => {
    const at = (href: string) => {
      const { origin, host, protocol, hostname } = new URL(href);
      return davLocation({ origin, host, protocol, hostname });
    };
    expect(at('https://life.example.org')).toEqual({
      url: 'https://life.example.org/dav/',
      host: 'life.example.org',
      insecure: false,
    });
    expect(at('http://192.168.1.20:3000').insecure).toBe(true);
    expect(at('http://192.168.1.20:3000').host).toBe('192.168.1.20:3000');
    expect(at('http://localhost:3000').insecure).toBe(false);
    expect(at('http://127.0.0.1:3000').insecure).toBe(false);
  });
});
