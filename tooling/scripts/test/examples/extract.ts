// Finds the code examples of the packages: every TSDoc `@example` in `packages/*/src/**/*.ts` (test files
// and test utilities excepted) and every ```ts / ```typescript block in `packages/*/README.md`.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** One code example, and where it was written. */
export interface Example {
  /** The package folder, relative to the repository root (`packages/server`). */
  readonly packageDir: string
  /** The file the example is written in, relative to the repository root. */
  readonly file: string
  /** The 1-based line of the file where the example's code starts. */
  readonly line: number
  /** Where the example comes from: a source file's TSDoc or a README. */
  readonly kind: 'tsdoc' | 'readme'
  /** The example's code. */
  readonly code: string
}

const SKIPPED_SOURCE = /(^|\/)(test-utils|__tests__)\/|\.test\.tsx?$|\.test-d\.ts$|\.d\.ts$/
const FENCE_OPEN = /^\s*```(\w*)\s*$/
const FENCE_CLOSE = /^\s*```\s*$/
const TS_FENCE = new Set(['ts', 'typescript'])

function sourceFiles(dir: string, root: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...sourceFiles(path, root))
    else if (entry.name.endsWith('.ts') && !SKIPPED_SOURCE.test(relative(root, path))) found.push(path)
  }
  return found
}

/** The ```ts blocks of a markdown text, with the 0-based line of each block's first code line. */
function fencedBlocks(lines: readonly string[], languages: ReadonlySet<string>): { start: number; code: string }[] {
  const blocks: { start: number; code: string }[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i] ?? '')
    if (open === null) continue
    let end = i + 1
    while (end < lines.length && !FENCE_CLOSE.test(lines[end] ?? '')) end++
    if (languages.has(open[1] ?? '')) blocks.push({ start: i + 1, code: lines.slice(i + 1, end).join('\n') })
    i = end
  }
  return blocks
}

/** The `@example` sections of a source file's TSDoc comments. */
export function tsdocExamples(text: string, file: string, packageDir: string): Example[] {
  const examples: Example[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i] ?? '')) continue
    // The section runs to the next block tag or the end of the comment.
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const line = lines[j] ?? ''
      if (/^\s*\*\/|\*\//.test(line) || /^\s*\*\s*@\w+/.test(line)) break
      body.push(line.replace(/^\s*\* ?/, ''))
    }
    const fenced = fencedBlocks(body, new Set(['', ...TS_FENCE]))
    if (fenced.length > 0) {
      for (const block of fenced) examples.push({ packageDir, file, line: i + 2 + block.start, kind: 'tsdoc', code: block.code })
    } else {
      examples.push({ packageDir, file, line: i + 2, kind: 'tsdoc', code: body.join('\n') })
    }
    i = j - 1
  }
  return examples
}

/** Every example of every package under `root/packages`. */
export function findExamples(root: string): Example[] {
  const examples: Example[] = []
  const packagesDir = join(root, 'packages')
  for (const name of readdirSync(packagesDir).sort()) {
    const packageDir = `packages/${name}`
    if (!existsSync(join(root, packageDir, 'package.json'))) continue
    const readme = join(root, packageDir, 'README.md')
    if (existsSync(readme)) {
      const file = relative(root, readme)
      for (const block of fencedBlocks(readFileSync(readme, 'utf8').split('\n'), TS_FENCE)) {
        examples.push({ packageDir, file, line: block.start + 1, kind: 'readme', code: block.code })
      }
    }
    const src = join(root, packageDir, 'src')
    if (!existsSync(src)) continue
    for (const path of sourceFiles(src, root).sort()) {
      examples.push(...tsdocExamples(readFileSync(path, 'utf8'), relative(root, path), packageDir))
    }
  }
  return examples
}
