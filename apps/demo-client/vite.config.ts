import { defaultClientConditions, defineConfig } from 'vite'

// In-repo @orrery/* packages resolve to their TypeScript sources through the
// '@orrery/source' export condition, so the client builds without building them first.
export default defineConfig({
  resolve: { conditions: ['@orrery/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { port: 5173 },
})
