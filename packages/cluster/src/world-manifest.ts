import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { WorldSpec } from './registry.js'

const MANIFEST = 'world.json'

/** The folder of a durable world inside a data folder. */
export function worldDir(dataDir: string, worldId: string): string {
  return join(dataDir, worldId)
}

/** Writes a durable world's manifest (its spec) into its folder, atomically. */
export async function writeManifest(dataDir: string, spec: WorldSpec): Promise<void> {
  const dir = worldDir(dataDir, spec.id)
  await mkdir(dir, { recursive: true })
  const tmp = join(dir, `${MANIFEST}.tmp`)
  await writeFile(tmp, JSON.stringify(spec))
  await rename(tmp, join(dir, MANIFEST))
}

/** The manifest of a durable world, or null when its folder holds none. */
export async function readManifest(dataDir: string, worldId: string): Promise<WorldSpec | null> {
  try {
    return JSON.parse(await readFile(join(worldDir(dataDir, worldId), MANIFEST), 'utf8')) as WorldSpec
  } catch {
    return null
  }
}

/** The manifests of every durable world in a data folder. */
export async function listManifests(dataDir: string): Promise<WorldSpec[]> {
  let names: string[]
  try {
    names = await readdir(dataDir)
  } catch {
    return []
  }
  const found = await Promise.all(names.map((name) => readManifest(dataDir, name)))
  return found.filter((spec): spec is WorldSpec => spec !== null)
}
