// Runs before `pnpm test`: makes sure Debian's Chromium is there for the browser test.
// On Debian/Ubuntu, as root or with password-less sudo, it installs the `chromium` package when
// /usr/bin/chromium is missing; otherwise it says why the browser test will be skipped. It fails the
// run only in CI (env CI set), where the browser test must run.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false'

function say(line) {
  process.stderr.write(`[test-setup] ${line}\n`)
}

function isDebianLike() {
  if (process.platform !== 'linux') return false
  if (existsSync('/etc/debian_version')) return true
  try {
    const release = readFileSync('/etc/os-release', 'utf8')
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release)
  } catch {
    return false
  }
}

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  return result.status === 0
}

function install() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  let prefix
  if (isRoot) prefix = []
  else if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) prefix = ['sudo', '-n']
  else return 'not root and sudo needs a password'
  const cmd = (args) => (prefix.length === 0 ? run(args[0], args.slice(1)) : run(prefix[0], [...prefix.slice(1), ...args]))
  say('installing chromium (apt-get update && apt-get install -y chromium)…')
  if (!cmd(['apt-get', 'update'])) return 'apt-get update failed'
  if (!cmd(['apt-get', 'install', '-y', 'chromium'])) return 'apt-get install chromium failed'
  return existsSync(CHROMIUM) ? null : `apt-get installed chromium but ${CHROMIUM} is still missing`
}

function main() {
  if (existsSync(CHROMIUM)) return 0
  let reason
  if (!isDebianLike()) reason = 'this is not Debian or Ubuntu, so it cannot be installed with apt-get'
  else reason = install()
  if (reason === null) {
    say(`chromium installed at ${CHROMIUM}`)
    return 0
  }
  if (inCi) {
    say(`${CHROMIUM} is missing (${reason}); CI is set, so the browser test would fail`)
    return 1
  }
  say(`the browser test will be skipped: ${CHROMIUM} is missing (${reason})`)
  return 0
}

process.exitCode = main()
