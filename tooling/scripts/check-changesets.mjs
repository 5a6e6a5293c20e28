// Runs in `pnpm test`: fails when a published package changed since its last release and no pending
// changeset bumps it.
//
// A package is published when its package.json is not private and .changeset/config.json does not
// ignore it. Its last release is its latest git tag `<name>@x.y.z` (the first commit of the history
// when it has none). A change is any difference in its `src/` folder between that commit and the
// working tree, test files and test utilities excepted. A pending changeset is a `.changeset/*.md`
// file whose front matter names the package.
//
// Usage: node tooling/scripts/check-changesets.mjs [repository folder]
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Paths (relative to a package's src folder) that are not part of what the package ships. */
const TEST_FILE = /(^|\/)(test-utils|__tests__)\/|\.test\.tsx?$|\.test-d\.ts$/

function git(root, args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

function lines(text) {
  return text === '' ? [] : text.split('\n')
}

/**
 * The workspace folders named by pnpm-workspace.yaml (`dir/*` patterns and plain folders).
 * @param {string} root
 * @returns {string[]} folders relative to root
 */
export function workspaceFolders(root) {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
  const folders = []
  let inPackages = false
  for (const line of yaml.split('\n')) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line)
    const item = inPackages ? /^\s+-\s+['"]?([^'"#\s]+)['"]?/.exec(line) : null
    if (item === null) continue
    const pattern = item[1]
    if (pattern.startsWith('!')) continue
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2)
      if (!existsSync(join(root, parent))) continue
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory()) folders.push(`${parent}/${entry.name}`)
      }
    } else {
      folders.push(pattern)
    }
  }
  return folders.filter((folder) => existsSync(join(root, folder, 'package.json'))).sort()
}

/**
 * The packages that a release publishes.
 * @param {string} root
 * @returns {{ name: string, folder: string }[]}
 */
export function publishedPackages(root) {
  const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'))
  const ignored = new Set(config.ignore ?? [])
  const packages = []
  for (const folder of workspaceFolders(root)) {
    const manifest = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'))
    if (manifest.private === true || typeof manifest.name !== 'string' || ignored.has(manifest.name)) continue
    packages.push({ name: manifest.name, folder })
  }
  return packages
}

/**
 * The packages bumped by the pending changesets, read from each file's front matter.
 * @param {string} root
 * @returns {Set<string>}
 */
export function pendingBumps(root) {
  const folder = join(root, '.changeset')
  const bumped = new Set()
  for (const file of readdirSync(folder)) {
    if (!file.endsWith('.md') || file === 'README.md') continue
    const text = readFileSync(join(folder, file), 'utf8')
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)
    if (front === null) continue
    for (const line of front[1].split(/\r?\n/)) {
      const entry = /^\s*(["']?)([^"':\s]+)\1\s*:\s*(major|minor|patch|none)\s*$/.exec(line)
      if (entry !== null && entry[3] !== 'none') bumped.add(entry[2])
    }
  }
  return bumped
}

/**
 * The commit of a package's last release: its highest `<name>@x.y.z` tag, or the first commit.
 * @param {string} root
 * @param {string} name
 * @returns {{ ref: string, tag: string | null }}
 */
export function lastRelease(root, name) {
  const tags = lines(git(root, ['tag', '--list', `${name}@*`, '--sort=-v:refname']))
  const tag = tags.find((candidate) => /^\d+\.\d+\.\d+/.test(candidate.slice(name.length + 1)))
  if (tag !== undefined) return { ref: tag, tag }
  const roots = lines(git(root, ['rev-list', '--max-parents=0', 'HEAD']))
  return { ref: roots[roots.length - 1], tag: null }
}

/**
 * The shipped source files of a package that differ between its last release and the working tree.
 * @param {string} root
 * @param {{ name: string, folder: string }} pkg
 * @returns {string[]} paths relative to root
 */
export function changedSources(root, pkg) {
  const { ref } = lastRelease(root, pkg.name)
  const src = `${pkg.folder}/src`
  const changed = lines(git(root, ['diff', '--name-only', ref, '--', src]))
  const untracked = lines(git(root, ['ls-files', '--others', '--exclude-standard', '--', src]))
  return [...new Set([...changed, ...untracked])]
    .filter((path) => !TEST_FILE.test(path.slice(src.length + 1)))
    .sort()
}

/**
 * Every published package with shipped changes and no pending changeset.
 * @param {string} root
 * @returns {{ name: string, since: string, files: string[] }[]}
 */
export function missingChangesets(root) {
  const bumped = pendingBumps(root)
  const missing = []
  for (const pkg of publishedPackages(root)) {
    if (bumped.has(pkg.name)) continue
    const files = changedSources(root, pkg)
    if (files.length === 0) continue
    const { tag } = lastRelease(root, pkg.name)
    missing.push({ name: pkg.name, since: tag ?? 'the first commit', files })
  }
  return missing
}

function main() {
  const root = resolve(process.argv[2] ?? git(process.cwd(), ['rev-parse', '--show-toplevel']))
  if (git(root, ['rev-parse', '--is-shallow-repository']) === 'true') {
    process.stderr.write('[check-changesets] a shallow clone has no release history: fetch it whole (git fetch --unshallow --tags)\n')
    return 1
  }
  const missing = missingChangesets(root)
  if (missing.length === 0) {
    process.stdout.write('[check-changesets] every changed package has a pending changeset\n')
    return 0
  }
  for (const { name, since, files } of missing) {
    const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? `, and ${files.length - 5} more` : '')
    process.stderr.write(`[check-changesets] ${name} changed since ${since} (${shown}) but no changeset bumps it\n`)
  }
  process.stderr.write('[check-changesets] add one with `pnpm changeset`\n')
  return 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main()
}
