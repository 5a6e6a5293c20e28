// pnpm loadtest --url ws://host:port [--clients N] [--ramp S] [--duration S] [--script FILE] [--workers N]
import { parseArgs } from 'node:util'
import { Presets, SingleBar } from 'cli-progress'
import { LoadTestError } from './load-test-error.js'
import { type LoadProgress, runLoadTest } from './run.js'

const USAGE = `usage: pnpm loadtest --url ws://HOST:PORT [options]
  --url URL       the server's WebSocket URL (required; the server may be on another machine)
  --clients N     clients to run (default 10)
  --ramp S        seconds over which the clients start (default: 0.1 s per client, at most 10)
  --duration S    seconds the full load holds after the ramp (default 30)
  --script FILE   what each client does: a module exporting a LoadScript (default: the Blackholio bot)
  --workers N     worker processes the clients are spread over (default: one per 100 clients, at most one per core)
  --help          this text
Progress goes to stderr; the JSON report to stdout at the end.`

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    url: { type: 'string' },
    clients: { type: 'string', default: '10' },
    ramp: { type: 'string' },
    duration: { type: 'string', default: '30' },
    script: { type: 'string' },
    workers: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
})

function usage(message: string): never {
  process.stderr.write(`loadtest: ${message}\n${USAGE}\n`)
  process.exit(2)
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB/s`

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (values.url === undefined) usage('--url is required')
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {elapsed}/{total} s | clients {connected}/{clients} (starting {starting}, failed {failed}) | open {open} | errors {errors} | in {in} out {out}',
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: true,
    },
    Presets.shades_classic,
  )
  let barStarted = false
  const show = (p: LoadProgress): void => {
    const payload = { ...p, in: kb(p.bytesInPerS), out: kb(p.bytesOutPerS), elapsed: Math.min(p.totalS, p.elapsedS).toFixed(0) }
    if (!barStarted) {
      bar.start(Math.ceil(p.totalS), 0, payload)
      barStarted = true
    }
    bar.update(Math.min(p.totalS, p.elapsedS), payload)
  }
  try {
    const report = await runLoadTest(
      {
        url: values.url,
        clients: Number(values.clients),
        ...(values.ramp === undefined ? {} : { rampS: Number(values.ramp) }),
        durationS: Number(values.duration),
        ...(values.script === undefined ? {} : { script: values.script }),
        ...(values.workers === undefined ? {} : { workers: Number(values.workers) }),
        // `pnpm loadtest` runs in the repository root; a relative --script is relative to where it was typed.
        cwd: process.env.INIT_CWD ?? process.cwd(),
      },
      show,
    )
    if (barStarted) bar.stop()
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  } catch (error) {
    if (barStarted) bar.stop()
    if (error instanceof LoadTestError && error.code === 'ERR_INVALID_OPTIONS') usage(error.message)
    throw error
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`loadtest: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
