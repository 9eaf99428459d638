/** The shell's navigation: every module, in order. */
export interface ModuleLink {
  path: string;
  label: string;
  icon: string;
  blurb: string;
}

export const MODULES: ModuleLink[] = [
  { path: '/', label: 'Dashboard', icon: '◎', blurb: 'Today at a glance' },
  { path: '/journal', label: 'Journal', icon: '✎', blurb: 'Morning pages and reflections' },
  { path: '/fitness', label: 'Fitness', icon: '⚡', blurb: 'Programs, workouts and records' },
  { path: '/projects', label: 'Projects', icon: '▦', blurb: 'What you are building' },
  { path: '/tasks', label: 'Tasks', icon: '✓', blurb: 'What to do next' },
  { path: '/inbox', label: 'Inbox', icon: '⤓', blurb: 'Captured, waiting to be sorted' },
  { path: '/calendar', label: 'Calendar', icon: '▤', blurb: 'Events and plans' },
  { path: '/settings', label: 'Settings', icon: '⚙', blurb: 'Profile, security and API keys' },
];
