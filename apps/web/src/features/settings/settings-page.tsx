import { PageHeader } from '../../components/page-header';
import { DataSection } from '../data';
import { NotificationList } from '../notifications';
import { ApiKeysSection } from './api-keys-section';
import { CaldavSection } from './caldav-section';
import { NotificationsSection } from './notifications-section';
import { PasswordSection } from './password-section';
import { ProfileSection } from './profile-section';
import { SessionsSection } from './sessions-section';
import { WebhooksSection } from './webhooks-section';

const SECTIONS = [
  { id: 'profile', label: 'Profile' },
  { id: 'password', label: 'Password' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'api-keys', label: 'API keys' },
  { id: 'caldav', label: 'Phone sync' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'data', label: 'Your data' },
];

export function SettingsPage() {
  return (
    <div className="page">
      <PageHeader title="Settings" />
      <nav className="section-nav" aria-label="Settings sections">
        {SECTIONS.map((s) => (
          <a key={s.id} href={`#${s.id}`}>
            {s.label}
          </a>
        ))}
      </nav>
      <div className="stack-lg">
        <ProfileSection />
        <PasswordSection />
        <SessionsSection />
        <ApiKeysSection />
        <CaldavSection />
        <WebhooksSection />
        <NotificationsSection />
        <NotificationList />
        <DataSection />
      </div>
    </div>
  );
}
