import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The API server (npm run start) listens on 3000; the dev server proxies everything that is not the app.
const api = process.env.VERDICT_API ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
  },
  server: {
    port: 5173,
    proxy: {
      '/v1': api,
      '/health': api,
      '/docs': api,
      '/version': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
