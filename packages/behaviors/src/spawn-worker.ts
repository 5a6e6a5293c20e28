import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { WorkerSetup } from './worker-protocol.js'

/** The URL of tsx's ESM loader API (its `import` entry: the `require` one does not load from a worker). */
function tsxEsmApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api')
  } catch {
    const required = createRequire(import.meta.url).resolve('tsx/esm/api')
    return pathToFileURL(required.replace(/index\.cjs$/, 'index.mjs')).href
  }
}

/**
 * Starts a sandbox worker thread. Built, the worker is `sandbox-worker.js` beside this file; run from the
 * TypeScript sources (tests, the demo), the worker first registers tsx's loader, which a worker does not
 * inherit from its parent.
 *
 * @param setup - what the worker loads besides QuickJS (a view module)
 * @returns the worker (it posts `{ type: 'ready' }` once its QuickJS module is loaded)
 */
export function spawnSandboxWorker(setup: WorkerSetup): Worker {
  const fromSource = import.meta.url.endsWith('.ts')
  const entry = new URL(fromSource ? './sandbox-worker.ts' : './sandbox-worker.js', import.meta.url)
  if (!fromSource) return new Worker(entry, { workerData: setup })
  const tsx = tsxEsmApi()
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}) })`
  // The parent's flags (a loader of its own) are not inherited: the worker registers its loader itself.
  return new Worker(boot, { eval: true, execArgv: [], workerData: setup })
}
