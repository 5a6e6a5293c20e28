import { defaultClientConditions, defineConfig } from 'vite'

// In-repo @orrery/* packages resolve to their TypeScript sources through the
// '@orrery/source' export condition, so the client builds without building them first.
export default defineConfig({
  resolve: { conditions: ['@orrery/source', ...defaultClientConditions] },
  // No source maps in the served build: they would publish the sources to every player.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: { port: 5173 },
})
