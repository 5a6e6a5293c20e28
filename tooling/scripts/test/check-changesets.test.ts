import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lastRelease, missingChangesets, publishedPackages } from '../check-changesets.mjs'

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'check-changesets.mjs')

let root = ''

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim()
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}

function commit(message: string): void {
  git('add', '-A')
  git('commit', '-q', '-m', message)
}

function pkg(folder: string, name: string, extra: Record<string, unknown> = {}): void {
  write(`${folder}/package.json`, JSON.stringify({ name, version: '1.0.0', ...extra }))
  write(`${folder}/src/index.ts`, 'export const a = 1\n')
}

function changeset(file: string, bumps: Record<string, string>): void {
  const lines = Object.entries(bumps).map(([name, bump]) => `"${name}": ${bump}`)
  write(`.changeset/${file}.md`, `---\n${lines.join('\n')}\n---\n\nA change.\n`)
}

function missingNames(): string[] {
  return missingChangesets(root).map((entry) => entry.name)
}

function runScript(dir = root): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' })
  return { status: result.status, stderr: result.stderr }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orrery-changesets-'))
  git('init', '-q', '-b', 'main')
  git('config', 'user.email', 'ci@orrery.test')
  git('config', 'user.name', 'CI')
  git('config', 'commit.gpgsign', 'false')
  write('pnpm-workspace.yaml', "packages:\n  - packages/*\n  - 'apps/*'\nonlyBuiltDependencies:\n  - esbuild\n")
  write('.changeset/config.json', JSON.stringify({ baseBranch: 'main', ignore: ['@x/ignored'] }))
  write('.changeset/README.md', '# Changesets\n')
  write('README.md', '# repo\n')
  commit('first commit, no packages yet')
})

afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('check-changesets', () => {
  it('publishes the packages that are neither private nor ignored', () => {
    pkg('packages/a', '@x/a')
    pkg('packages/hidden', '@x/hidden', { private: true })
    pkg('apps/ignored', '@x/ignored')
    expect(publishedPackages(root)).toEqual([{ name: '@x/a', folder: 'packages/a' }])
  })

  it('flags a package added since the first commit until a changeset bumps it', () => {
    pkg('packages/a', '@x/a')
    pkg('packages/b', '@x/b')
    commit('two packages')
    expect(missingNames()).toEqual(['@x/a', '@x/b'])
    changeset('a-initial', { '@x/a': 'minor' })
    expect(missingNames()).toEqual(['@x/b'])
    changeset('b-initial', { '@x/b': 'patch' })
    expect(missingNames()).toEqual([])
  })

  it('counts only changes since the latest release tag, and only shipped source files', () => {
    pkg('packages/a', '@x/a')
    commit('a')
    git('tag', '@x/a@1.0.0')
    write('packages/a/src/index.ts', 'export const a = 2\n')
    commit('a changes')
    git('tag', '@x/a@1.1.0')
    expect(lastRelease(root, '@x/a').tag).toBe('@x/a@1.1.0')
    expect(missingNames()).toEqual([])

    write('packages/a/src/index.test.ts', 'test\n')
    write('packages/a/src/test-utils/fake.ts', 'export {}\n')
    write('packages/a/README.md', 'docs\n')
    write('packages/a/test/more.test.ts', 'test\n')
    commit('tests and docs only')
    expect(missingNames()).toEqual([])

    write('packages/a/src/extra.ts', 'export const b = 1\n')
    expect(missingChangesets(root)).toEqual([{ name: '@x/a', since: '@x/a@1.1.0', files: ['packages/a/src/extra.ts'] }])
  })

  it('takes the highest version among tags, not the newest name', () => {
    pkg('packages/a', '@x/a')
    commit('a')
    git('tag', '@x/a@1.10.0')
    git('tag', '@x/a@1.9.0')
    expect(lastRelease(root, '@x/a').tag).toBe('@x/a@1.10.0')
  })

  it('ignores changes to private and ignored packages, and changesets that bump with none', () => {
    pkg('packages/hidden', '@x/hidden', { private: true })
    pkg('apps/ignored', '@x/ignored')
    pkg('packages/a', '@x/a')
    changeset('none', { '@x/a': 'none' })
    commit('packages')
    expect(missingNames()).toEqual(['@x/a'])
  })

  it('exits 1 naming the package, and 0 once a changeset is added', () => {
    pkg('packages/a', '@x/a')
    commit('a')
    const failing = runScript()
    expect(failing.status).toBe(1)
    expect(failing.stderr).toContain('@x/a changed since the first commit (packages/a/src/index.ts)')
    changeset('a', { '@x/a': 'major' })
    expect(runScript().status).toBe(0)
  })

  it('refuses a shallow clone, whose history cannot say what changed since a release', () => {
    pkg('packages/a', '@x/a')
    changeset('a', { '@x/a': 'minor' })
    commit('a')
    write('README.md', 'more\n')
    commit('docs')
    const shallow = `${root}-shallow`
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${root}`, shallow])
      const result = runScript(shallow)
      expect(result.status).toBe(1)
      expect(result.stderr).toContain('shallow clone')
    } finally {
      rmSync(shallow, { recursive: true, force: true })
    }
  })
})
