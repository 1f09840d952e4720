// The service worker: keeps the app shell (the page, the bundle, the stylesheet, the rules
// and their .wasm) so the app opens and previews carts without a network. Network first —
// online, every file is revalidated as usual (ETag → 304) and the copy refreshed — and the
// kept copy when the network fails. The API (/v1/…) is never kept here: the sync client
// keeps the member's state itself.
const CACHE = 'nnw-shell-v1';
const SHELL = ['/', '/app.js', '/app.css', '/wasm/index.browser.js', '/wasm/nnw_rules.wasm'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/')) return;
  const key = url.pathname === '/index.html' ? '/' : url.pathname;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(event.request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (error) {
      const kept = await cache.match(key);
      if (kept) return kept;
      throw error;
    }
  })());
});
