/*
 * Web Push in the service worker (imported by the Workbox worker vite-plugin-pwa generates: vite.config.ts's
 * workbox.importScripts). The server sends JSON: { title, body, url, kind, late, tag }; the tag makes a repeated
 * delivery replace the one shown rather than add a second.
 */
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'Life OS', body: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'Life OS';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.late ? `${data.body || ''}\n(sent late)` : data.body || '',
      tag: data.tag,
      icon: '/icons/icon-192.png',
      data: { url: data.url || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && 'focus' in client) {
          return client.focus().then((c) => (c && 'navigate' in c ? c.navigate(url) : c));
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
