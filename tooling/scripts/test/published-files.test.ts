import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

interface Manifest {
  readonly name: string
  readonly private?: boolean
  readonly files?: readonly string[]
  readonly exports?: Readonly<Record<string, unknown>>
}

const TEST_IMPORT = /from '(\.\.?\/)+(?:[\w-]+\/)*test-utils\/|from '(vitest|fast-check)'/

function shippedSources(dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'test-utils') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...shippedSources(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) found.push(path)
  }
  return found
}

const packages = readdirSync(join(ROOT, 'packages'))
  .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir: join(ROOT, 'packages', dir), manifest: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ manifest }) => manifest.private !== true)

describe('published files', () => {
  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s ships no test utilities and no tests', (_, { dir, manifest }) => {
    const files = manifest.files ?? []
    if (files.includes('src')) {
      expect(files).toContain('!src/**/*.test.ts')
      if (existsSync(join(dir, 'src', 'test-utils'))) expect(files).toContain('!src/test-utils/**')
    }
    const build = JSON.parse(readFileSync(join(dir, 'tsconfig.build.json'), 'utf8')) as { exclude?: string[] }
    expect(build.exclude ?? []).toEqual(expect.arrayContaining(['src/**/*.test.ts', 'src/test-utils/**']))
  })

  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s: no published source imports test utilities', (_, { dir }) => {
    const offending = shippedSources(join(dir, 'src')).filter((path) => TEST_IMPORT.test(readFileSync(path, 'utf8')))
    expect(offending).toEqual([])
  })
})
