import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The only place the web app reads the environment: where the API runs during `pnpm dev`.
const apiUrl = process.env.LIFEOS_API_URL ?? 'http://localhost:3000';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@rjsf/validator-ajv8': page('./src/panel/ajv-validator-stand-in.ts') },
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/trpc': { target: apiUrl, changeOrigin: false },
      '/api': { target: apiUrl, changeOrigin: false },
      // The dev panel's page is built here (panel.html); anything under /panel/ is the API's.
      '/panel': {
        target: apiUrl,
        changeOrigin: false,
        bypass: (req) => {
          const pathname = (req.url ?? '').split('?')[0];
          return pathname === '/panel' || pathname === '/panel/' ? '/panel.html' : undefined;
        },
      },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // Multi-page build: the app and the (development-only) tRPC panel.
      input: { main: page('./index.html'), panel: page('./panel.html') },
    },
  },
});
