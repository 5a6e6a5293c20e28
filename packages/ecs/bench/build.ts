/**
 * Builds what the benchmark processes run, with esbuild, into `.tmp/bench/`:
 *
 * - `plain/`: every source file of @orrery/ecs and of the benchmark compiled on its own (ES
 *   modules importing each other, as `tsc` or a dev server ships them);
 * - `bundled/cell.js`: the benchmark and @orrery/ecs bundled into one file, as an app built with
 *   esbuild ships it (top-level `const` becomes `var`, modules are concatenated). The peers stay
 *   external in both, so only Orrery's code differs between the two.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Where the built benchmark lives. */
export const outDir = join(root, '.tmp', 'bench')

const tsFiles = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(root, dir, f))

const external = ['bitecs', 'bitecs-03', 'piecs', '@orrery/tooling-bench']

/** Builds both variants; returns the paths of their cell entry points. */
export async function buildBench(): Promise<{ plain: string; bundled: string }> {
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
  await build({
    ...common,
    entryPoints: [join(root, 'bench', 'cell.ts')],
    outfile: join(outDir, 'bundled', 'cell.js'),
    bundle: true,
    external,
  })
  return { plain: join(outDir, 'plain', 'bench', 'cell.js'), bundled: join(outDir, 'bundled', 'cell.js') }
}
