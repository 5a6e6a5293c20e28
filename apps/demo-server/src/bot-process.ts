// The bot process: runs a group of bots against a server and reports to the launcher over IPC.
// Messages to the parent: { type: 'ready' | 'stats' | 'stopped', summary }. From the parent: { type: 'stop' }.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runBots } from '@orrery/demo-client/bots'
import { summarizeBots } from './bot-summary.js'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    count: { type: 'string', default: '8' },
    prefix: { type: 'string', default: 'bot-' },
    'report-ms': { type: 'string', default: '1000' },
    'token-file': { type: 'string' },
  },
})

/** Tokens of an earlier run (a JSON array), or none. */
function readTokens(file: string | undefined): (string | null)[] {
  if (file === undefined) return []
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return Array.isArray(parsed) ? parsed.map((t) => (typeof t === 'string' ? t : null)) : []
  } catch {
    return []
  }
}

/** Writes the tokens so the next run's bots come back as the same identities (atomically: temp file, rename). */
function writeTokens(file: string | undefined, tokens: (string | null)[]): void {
  if (file === undefined) return
  writeFileSync(`${file}.tmp`, JSON.stringify(tokens), { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
}

function report(type: 'ready' | 'stats' | 'stopped', summary: ReturnType<typeof summarizeBots>): void {
  if (process.send !== undefined) process.send({ type, summary })
}

async function main(): Promise<void> {
  if (values.url === undefined) throw new Error('--url is required')
  const tokenFile = values['token-file']
  const group = await runBots({ url: values.url, count: Number(values.count), namePrefix: values.prefix, tokens: readTokens(tokenFile) })
  writeTokens(
    tokenFile,
    group.bots.map((b) => b.token),
  )
  report('ready', summarizeBots(group.stats(), group.failures))
  const timer = setInterval(() => report('stats', summarizeBots(group.stats(), group.failures)), Number(values['report-ms']))
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    clearInterval(timer)
    const before = summarizeBots(group.stats(), group.failures)
    await group.stop()
    report('stopped', before)
    process.disconnect?.()
  }
  process.on('message', (message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stop') void stop()
  })
  process.on('disconnect', () => void stop())
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  process.stderr.write(`bots: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
