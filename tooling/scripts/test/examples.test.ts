import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { compileExamples } from './examples/compile.js'
import { findExamples } from './examples/extract.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

describe('documentation examples', () => {
  const examples = findExamples(ROOT)

  it('finds the TSDoc and README examples of every package', () => {
    const readmes = new Set(examples.filter((e) => e.kind === 'readme').map((e) => e.packageDir))
    const documented = new Set(examples.filter((e) => e.kind === 'tsdoc').map((e) => e.packageDir))
    const packages = new Set(examples.map((e) => e.packageDir))
    expect(packages.size).toBeGreaterThanOrEqual(9)
    expect([...packages].filter((dir) => !readmes.has(dir))).toEqual([])
    expect(documented.size).toBeGreaterThanOrEqual(9)
  })

  it('reports an error at its line in the file the example is written in', () => {
    const broken = { packageDir: 'packages/ecs', file: 'packages/ecs/src/world.ts', line: 40, kind: 'tsdoc' as const }
    const errors = compileExamples(ROOT, [
      { ...broken, code: 'const world = createWorld({ components: [] })\nworld.create()' },
      { ...broken, code: 'const world = createWorld({ components: [] })\nconsole.log(world.create(), counterModule)' },
    ])
    expect(errors.map((e) => [e.line, e.message])).toEqual([[41, "TS2304: Cannot find name 'counterModule'."]])
  })

  it('compiles every example under the strict base tsconfig', () => {
    const errors = compileExamples(ROOT, examples).map((e) => `${e.example.file}:${e.line} ${e.message}`)
    expect(errors).toEqual([])
  }, 120_000)
})
