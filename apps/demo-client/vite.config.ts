import { fileURLToPath } from 'node:url'
import { defaultClientConditions, defineConfig } from 'vite'

/** A page of the client by absolute path (the build may run from another working directory). */
const page = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url))

// In-repo @orrery/* packages resolve to their TypeScript sources through the
// '@orrery/source' export condition, so the client builds without building them first.
export default defineConfig({
  resolve: { conditions: ['@orrery/source', ...defaultClientConditions] },
  // No source maps in the served build: they would publish the sources to every player.
  // Two pages: the game and the behaviour editor.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: { input: { main: page('index.html'), editor: page('editor.html') } },
  },
  server: { port: 5173 },
})
