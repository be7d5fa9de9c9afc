import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  server: {
    // Wails v2 proxies the Vite dev server; from Vite 5 on, HMR must be told
    // to connect straight to Vite over plain ws on localhost.
    hmr: { host: 'localhost', protocol: 'ws' },
    // The window carries the operator's guide (docs/operators.md, outside this root).
    fs: { allow: ['.', '../docs'] },
  },
  // Relative asset URLs: the same build is served at / in the window and at
  // /admin/websockets/ by `tickstock-ingest serve`.
  base: './',
  build: { target: 'es2022', chunkSizeWarningLimit: 600 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});
