// The dashboard is a static bundle: `vite build` writes it to the directory
// given by DT_WEB_OUT (cmake/web.cmake passes ${CMAKE_BINARY_DIR}/web), and
// `detente serve` serves it at "/". Relative asset paths keep the bundle
// working from any web root. In development (`npm run dev`) /api is proxied
// to a running `detente serve` or to the mock in dev/mock.mjs.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: process.env.DT_WEB_OUT || 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': process.env.DT_API || 'http://127.0.0.1:8081' },
  },
});
