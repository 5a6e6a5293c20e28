import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Starts a sandbox worker thread. Built, the worker is `sandbox-worker.js` beside this file; run from the
 * TypeScript sources (tests, the demo), the worker first registers tsx's loader, which a worker does not
 * inherit from its parent.
 *
 * @returns the worker (it posts `{ type: 'ready' }` once its QuickJS module is loaded)
 */
export function spawnSandboxWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts')
  const entry = new URL(fromSource ? './sandbox-worker.ts' : './sandbox-worker.js', import.meta.url)
  if (!fromSource) return new Worker(entry)
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(boot, { eval: true })
}
