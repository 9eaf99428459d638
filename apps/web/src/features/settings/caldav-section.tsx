import { useQuery } from '@tanstack/react-query';
import { Panel } from '../../components/panel';
import { trpc } from '../../lib/trpc';
import { CopyField } from './copy-field';
import './settings.css';

/** Where a CalDAV client finds Life OS: this site's own origin, whatever name the user reached it by. */
export function davLocation(location: Pick<Location, 'origin' | 'host' | 'protocol' | 'hostname'> = window.location) {
  return {
    url: `${location.origin}/dav/`,
    host: location.host,
    // Phones send the key with every request: over plain HTTP anyone on the way reads it (a machine's own
    // loopback is the one exception), and iOS refuses such an account unless told to.
    insecure: location.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(location.hostname),
  };
}

/** The server URL and username a CalDAV client asks for, each with its Copy button. */
export function CaldavAccount({ username }: { username: string }) {
  const { url } = davLocation();
  return (
    <div className="caldav-account">
      <CopyField label="Server URL" noun="server URL" value={url} />
      <CopyField label="Username" noun="username" value={username} />
    </div>
  );
}

/**
 * Settings → "Sync with your phone": Life OS is a CalDAV server (apps/api/src/dav/), so the calendar and to-do apps
 * people already use can show and change its events and tasks. The password is an API key from the section above.
 */
export function CaldavSection() {
  const me = useQuery(trpc.auth.me.queryOptions());
  return (
    <Panel
      id="caldav"
      title="Sync with your phone"
      description="Your phone’s calendar and to-do apps can show and change your Life OS events and tasks: Life OS speaks CalDAV, like the calendar servers those apps already know."
      query={me}
      loading="Loading your account…"
    >
      {(user) => <CaldavGuide username={user.username} />}
    </Panel>
  );
}

function CaldavGuide({ username }: { username: string }) {
  const { url, host, insecure } = davLocation();
  return (
    <div className="caldav-guide">
      {insecure ? (
        <p className="alert alert-warning">
          This address is plain HTTP, so the key would cross the network unencrypted and iPhones refuse it. Serve Life
          OS over HTTPS before you sync a phone.
        </p>
      ) : null}
      <CaldavAccount username={username} />
      <p>
        <strong>Password:</strong> an API key made in <a href="#api-keys">API keys</a> above, not your Life OS password.
        Choose <em>Read and write</em> to change things from the phone, or <em>Read only</em> to just see them there.
        One key per device lets you revoke a lost phone without touching the others.
      </p>

      <h3 className="subheading">What syncs</h3>
      <ul className="caldav-list">
        <li>
          One calendar, <strong>Life OS</strong>: your events. One created on the phone is on your dashboard at once.
        </li>
        <li>
          Task lists: <strong>Inbox</strong> and one per project. A task ticked on the phone is completed in Life OS (a
          repeating one gets its next date).
        </li>
        <li>Calendars you subscribed to are not offered: they stay read-only, in Life OS only.</li>
      </ul>

      <h3 className="subheading">Set up your app</h3>
      <div className="caldav-clients">
        <details className="disclosure">
          <summary>iPhone, iPad and Mac</summary>
          <ol className="caldav-steps">
            <li>
              iPhone and iPad: Settings → Calendar → Accounts → Add Account → Other → Add CalDAV Account (on newer
              versions Settings → Apps → Calendar → Calendar Accounts). Mac: Calendar → Settings → Accounts → + → Other
              CalDAV Account, type Manual.
            </li>
            <li>
              Server: <code>{host}</code>, then the username and the key as the password.
            </li>
            <li>
              If the account is not found, open Advanced (Server Settings on a Mac) and enter the full server URL{' '}
              <code>{url}</code>.
            </li>
            <li>Events show in Calendar, tasks in Reminders.</li>
          </ol>
        </details>
        <details className="disclosure">
          <summary>Android with DAVx⁵</summary>
          <ol className="caldav-steps">
            <li>Install DAVx⁵ (Play Store or F-Droid) and add an account with “Login with URL and user name”.</li>
            <li>
              Base URL: <code>{url}</code>, then the username and the key as the password.
            </li>
            <li>Tick the calendar and the task lists to sync; events show in your phone’s calendar app.</li>
            <li>For tasks, install jtx Board or Tasks.org: DAVx⁵ hands the task lists to it.</li>
          </ol>
        </details>
        <details className="disclosure">
          <summary>Thunderbird</summary>
          <ol className="caldav-steps">
            <li>Calendar → New Calendar… → On the Network.</li>
            <li>
              Username, and as the location <code>{url}</code>; Thunderbird finds the calendar and the task lists.
            </li>
            <li>Pick the ones you want, subscribe, and give the key when it asks for the password.</li>
          </ol>
        </details>
        <details className="disclosure">
          <summary>vdirsyncer, khal and todoman</summary>
          <p className="small">
            In <code>~/.config/vdirsyncer/config</code>, with the key in a file only you can read; then{' '}
            <code>vdirsyncer discover lifeos</code> and <code>vdirsyncer sync</code>. Point khal and todoman at{' '}
            <code>~/.calendars/lifeos/*</code>.
          </p>
          <CopyField
            label="vdirsyncer configuration"
            noun="configuration"
            value={vdirsyncerConfig(url, username)}
            multiline
          />
        </details>
      </div>
      <p className="muted small">
        Other CalDAV apps (GNOME Calendar, Evolution, …) work the same way: give them the server URL, the username and a
        key.
      </p>
    </div>
  );
}

function vdirsyncerConfig(url: string, username: string): string {
  return [
    '[general]',
    'status_path = "~/.vdirsyncer/status/"',
    '',
    '[pair lifeos]',
    'a = "lifeos_local"',
    'b = "lifeos_remote"',
    'collections = ["from b"]',
    'metadata = ["displayname", "color"]',
    '',
    '[storage lifeos_local]',
    'type = "filesystem"',
    'path = "~/.calendars/lifeos/"',
    'fileext = ".ics"',
    '',
    '[storage lifeos_remote]',
    'type = "caldav"',
    `url = "${url}"`,
    `username = "${username}"`,
    'password.fetch = ["command", "cat", "~/.config/vdirsyncer/lifeos-key"]',
  ].join('\n');
}
