import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built once into apps/web/dist (npm start), served by the gateway at /. Pages other than sign-in
// and the station load on demand, so an operator's terminal downloads only what it shows.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 400 },
});
