import { readdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The demo client's package directory. */
export const CLIENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../demo-client')

/** The built client's directory (served by the demo server). */
export const CLIENT_DIST_DIR = join(CLIENT_DIR, 'dist')

/** Sources the client bundle is built from: its own, the shared schema, and the packages it imports. */
async function sourcesOf(clientDir: string): Promise<string[]> {
  const repo = resolve(clientDir, '../..')
  const packages = await readdir(join(repo, 'packages')).catch(() => [] as string[])
  return [
    join(clientDir, 'src'),
    join(clientDir, 'index.html'),
    join(clientDir, 'editor.html'),
    join(clientDir, 'vite.config.ts'),
    join(repo, 'apps/demo-shared/src'),
    ...packages.map((name) => join(repo, 'packages', name, 'src')),
  ]
}

async function newestMtime(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch {
    return 0
  }
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue
    if (entry.name.endsWith('.test.ts') || entry.name === 'test-utils') continue
    newest = Math.max(newest, await newestMtime(join(path, entry.name)))
  }
  return newest
}

/**
 * Whether the built client is missing or older than any of its sources.
 *
 * @param clientDir - the demo client's package directory
 * @returns true when `dist/index.html` is missing or older than the newest source file
 * @example
 * if (await isClientBuildStale(CLIENT_DIR)) await buildClient(CLIENT_DIR)
 */
export async function isClientBuildStale(clientDir: string = CLIENT_DIR): Promise<boolean> {
  const built = await newestMtime(join(clientDir, 'dist', 'index.html'))
  if (built === 0) return true
  let newest = 0
  for (const source of await sourcesOf(clientDir)) newest = Math.max(newest, await newestMtime(source))
  return newest > built
}

/**
 * Builds the web client with Vite (its own `vite.config.ts`) into `dist/`.
 *
 * @param clientDir - the demo client's package directory
 * @returns the output directory
 * @throws the Vite build error when the build fails
 * @example
 * await buildClient()
 */
export async function buildClient(clientDir: string = CLIENT_DIR): Promise<string> {
  const { build } = await import('vite')
  await build({ root: clientDir, configFile: join(clientDir, 'vite.config.ts'), logLevel: 'warn' })
  return join(clientDir, 'dist')
}

/**
 * Builds the web client when its build is missing or stale.
 *
 * @param options - `clientDir` (default the demo client), `force` to build anyway, `log` for progress lines
 * @returns whether it built, and the directory to serve
 * @throws the Vite build error when the build fails
 * @example
 * const { distDir } = await ensureClientBuilt({ log: console.error })
 */
export async function ensureClientBuilt(
  options: { clientDir?: string; force?: boolean; log?: (line: string) => void } = {},
): Promise<{ built: boolean; distDir: string }> {
  const clientDir = options.clientDir ?? CLIENT_DIR
  const distDir = join(clientDir, 'dist')
  if (options.force !== true && !(await isClientBuildStale(clientDir))) return { built: false, distDir }
  options.log?.('building the web client…')
  const started = performance.now()
  await buildClient(clientDir)
  options.log?.(`web client built in ${Math.round(performance.now() - started)} ms`)
  return { built: true, distDir }
}
