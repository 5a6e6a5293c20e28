// The `orrery` command: read a data folder's history (`log`), a table at a past seq (`at`), the
// first change of a field (`first`), and check everything (`verify`).
import { Command, InvalidArgumentError } from 'commander'
import type { CommitEntry } from '@orrery/server'
import { openHistory } from './history.js'
import { SqliteError } from './sqlite-error.js'
import { verifyDataFolder } from './verify.js'

const out = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

function seqArg(raw: string): number {
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a seq (an integer ≥ 0)')
  return n
}

function summary(entry: CommitEntry): string {
  const parts = entry.tables.map((t) => {
    const ins = t.inserts.length / (t.fields + 1)
    let upd = 0
    for (let k = 0; k < t.updates.length; ) {
      upd++
      let m = t.updates[k + 1] as number
      k += 2
      while (m !== 0) {
        k += m & 1
        m >>>= 1
      }
    }
    return `${t.component} +${ins} ~${upd} -${t.deletes.length}`
  })
  if (entry.destroyed.length > 0) parts.push(`destroyed ${entry.destroyed.length}`)
  if (entry.events.length > 0) parts.push(`events ${entry.events.map((e) => e.name).join(',')}`)
  return parts.join('  ')
}

/**
 * Builds the `orrery` command (exported for tests; `bin/orrery.js` runs it).
 * @returns a commander program
 * @example
 * ```ts
 * await buildProgram().parseAsync(['node', 'orrery', 'log', './.orrery', '--from', '10'])
 * ```
 */
export function buildProgram(): Command {
  const program = new Command('orrery').description('Read and check the commit log of an Orrery data folder.').showHelpAfterError()

  program
    .command('log')
    .description('list transactions with seq, tick, time, origin and caller')
    .argument('<dataDir>', 'the data folder')
    .option('--from <seq>', 'first seq', seqArg)
    .option('--to <seq>', 'last seq', seqArg)
    .option('--identity <identity>', 'only transactions this identity ran')
    .option('--entity <entity>', 'only transactions that touched this entity', seqArg)
    .option('--origin <name>', 'only this reducer, system, hook or reason')
    .option('--json', 'one JSON object per line, with the change set')
    .action((dir: string, o: { from?: number; to?: number; identity?: string; entity?: number; origin?: string; json?: boolean }) => {
      const history = openHistory(dir)
      try {
        const filter = {
          ...(o.from === undefined ? {} : { from: o.from }),
          ...(o.to === undefined ? {} : { to: o.to }),
          ...(o.identity === undefined ? {} : { identity: o.identity }),
          ...(o.entity === undefined ? {} : { entity: o.entity }),
          ...(o.origin === undefined ? {} : { origin: o.origin }),
        }
        for (const entry of history.transactions(filter)) {
          if (o.json === true) out(JSON.stringify(entry))
          else
            out(
              `${entry.seq}\ttick ${entry.tick}\t${new Date(entry.time).toISOString()}\t${entry.originKind}:${entry.origin}\t${entry.caller.slice(0, 12)}\t${summary(entry)}`,
            )
        }
      } finally {
        history.close()
      }
    })

  program
    .command('at')
    .description('print a table (component) as it was right after a seq')
    .argument('<dataDir>', 'the data folder')
    .argument('<seq>', 'the seq', seqArg)
    .argument('<component>', 'the component name')
    .option('--json', 'one JSON object per row')
    .action((dir: string, seq: number, name: string, o: { json?: boolean }) => {
      const history = openHistory(dir)
      try {
        const c = history.components.get(name)
        if (c === undefined) {
          throw new SqliteError('ERR_NOT_FOUND', `no component ${name}; stored: ${[...history.components.keys()].join(', ')}`)
        }
        const world = history.worldAt(seq)
        const rows = world
          .query([c])
          .toArray()
          .sort((a, b) => a - b)
        if (o.json !== true) out(['entity', ...c.fields].join('\t'))
        for (const e of rows) {
          const row = world.get(e, c) as Record<string, unknown>
          if (o.json === true) out(JSON.stringify({ entity: e, ...row }))
          else out([e, ...c.fields.map((f) => JSON.stringify(row[f]))].join('\t'))
        }
        if (o.json !== true) out(`(${rows.length} rows of ${name} at seq ${seq})`)
      } finally {
        history.close()
      }
    })

  program
    .command('first')
    .description('the first transaction in which a field took a value')
    .argument('<dataDir>', 'the data folder')
    .argument('<component>', 'the component name')
    .argument('<field>', 'the field name')
    .argument('<value>', 'the value, as JSON (a bare word is a string)')
    .option('--entity <entity>', "only this entity's row", seqArg)
    .action((dir: string, component: string, field: string, raw: string, o: { entity?: number }) => {
      let value: unknown = raw
      try {
        value = JSON.parse(raw)
      } catch {
        // a bare word: the string itself
      }
      const history = openHistory(dir)
      try {
        const found = history.firstChange(component, field, value, o.entity)
        if (found === null) {
          out(`no transaction in the log sets ${component}.${field} to ${JSON.stringify(value)}`)
          process.exitCode = 1
          return
        }
        const e = found.entry
        out(`${e.seq}\ttick ${e.tick}\t${new Date(e.time).toISOString()}\t${e.originKind}:${e.origin}\t${e.caller.slice(0, 12)}\tentity ${found.entity}`)
      } finally {
        history.close()
      }
    })

  program
    .command('verify')
    .description('check every checksum and replay the whole log against the snapshots')
    .argument('<dataDir>', 'the data folder')
    .action((dir: string) => {
      const report = verifyDataFolder(dir)
      out(`log ${report.first}..${report.last}: ${report.entries} entries replayed`)
      out(`snapshots: ${report.snapshotsOk} readable, ${report.snapshotsCompared} compared with the replay`)
      for (const p of report.problems) out(`problem: ${p}`)
      out(report.ok ? 'ok' : 'FAILED')
      if (!report.ok) process.exitCode = 1
    })

  return program
}

/**
 * Runs the CLI on `argv` and reports errors as one line on stderr with exit code 2.
 * @param argv - `process.argv`
 * @example
 * ```ts
 * await main(process.argv)
 * ```
 */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv])
  } catch (error) {
    const code = error instanceof SqliteError ? ` (${error.code})` : ''
    process.stderr.write(`orrery: ${(error as Error).message}${code}\n`)
    process.exitCode = 2
  }
}
