/**
 * Builds what the benchmark processes run, with esbuild, into `.tmp/bench/`:
 *
 * - `plain/`: every source file of @orrery/ecs and of the benchmark compiled on its own (ES
 *   modules importing each other, as `tsc` or a dev server ships them);
 * - `bundled/cell.js`: the benchmark and @orrery/ecs bundled into one file, as an app built with
 *   esbuild ships it (top-level `const` becomes `var`, modules are concatenated);
 * - `vite/cell.js`: the same through Vite's production build (Rollup, minified by esbuild).
 *
 * The peers stay external everywhere, so only Orrery's code differs between the variants. The
 * shared bench helper (`@orrery/tooling-bench`, TypeScript source only) is compiled beside the
 * plain build as a package of its own and bundled into the others, so that every cell runs on
 * plain Node.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { build as viteBuild } from 'vite'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Where the built benchmark lives. */
export const outDir = join(root, '.tmp', 'bench')

const tsFiles = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(root, dir, f))

const external = ['bitecs', 'bitecs-03', 'piecs']
const toolingBench = join(root, '..', '..', 'tooling', 'bench')

/** The builds a cell can run from. */
export type BuildKind = 'plain' | 'bundled' | 'vite'

/** Builds every variant; returns the paths of their cell entry points. */
export async function buildBench(): Promise<Record<BuildKind, string>> {
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n')
  const common = { format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' } as const
  await build({
    ...common,
    entryPoints: [...tsFiles('src'), ...tsFiles('bench'), ...tsFiles('bench/cases')],
    outdir: join(outDir, 'plain'),
    outbase: root,
    bundle: false,
  })
  // Where Node looks first for `@orrery/tooling-bench` from the plain build's files.
  const helperDir = join(outDir, 'plain', 'node_modules', '@orrery', 'tooling-bench')
  await build({
    ...common,
    entryPoints: [join(toolingBench, 'src', 'index.ts')],
    outfile: join(helperDir, 'index.js'),
    bundle: true,
  })
  writeFileSync(join(helperDir, 'package.json'), '{ "type": "module", "exports": "./index.js" }\n')
  await build({
    ...common,
    entryPoints: [join(root, 'bench', 'cell.ts')],
    outfile: join(outDir, 'bundled', 'cell.js'),
    bundle: true,
    external,
  })
  await viteBuild({
    configFile: false,
    logLevel: 'warn',
    root,
    build: {
      ssr: join(root, 'bench', 'cell.ts'),
      outDir: join(outDir, 'vite'),
      emptyOutDir: true,
      minify: 'esbuild',
      target: 'node20',
      rollupOptions: { external, output: { format: 'es', entryFileNames: 'cell.js' } },
    },
    ssr: { noExternal: true, external },
  })
  return {
    plain: join(outDir, 'plain', 'bench', 'cell.js'),
    bundled: join(outDir, 'bundled', 'cell.js'),
    vite: join(outDir, 'vite', 'cell.js'),
  }
}
