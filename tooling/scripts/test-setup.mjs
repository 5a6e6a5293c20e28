// Runs before `pnpm test`: makes sure Debian's Chromium is there for the browser test, and Debian's
// redis-server for the cluster tests. On Debian/Ubuntu, as root or with password-less sudo, it installs
// the `chromium` package when /usr/bin/chromium is missing and `redis-server` when no redis-server is on
// the PATH; otherwise it says why those tests will be skipped. It fails the run only in CI (env CI set),
// where they must run.
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

/** Installs a Debian package with apt-get; returns null when done, else why not. */
function aptInstall(pkg) {
  if (!isDebianLike()) return 'this is not Debian or Ubuntu, so it cannot be installed with apt-get'
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  let prefix
  if (isRoot) prefix = []
  else if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) prefix = ['sudo', '-n']
  else return 'not root and sudo needs a password'
  const cmd = (args) => (prefix.length === 0 ? run(args[0], args.slice(1)) : run(prefix[0], [...prefix.slice(1), ...args]))
  say(`installing ${pkg} (apt-get update && apt-get install -y ${pkg})…`)
  if (!cmd(['apt-get', 'update'])) return 'apt-get update failed'
  if (!cmd(['apt-get', 'install', '-y', pkg])) return `apt-get install ${pkg} failed`
  return null
}

function install() {
  const reason = aptInstall('chromium')
  if (reason !== null) return reason
  return existsSync(CHROMIUM) ? null : `apt-get installed chromium but ${CHROMIUM} is still missing`
}

/** Whether `redis-server` runs from the PATH. */
function hasRedis() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

/** Installs Debian's redis-server for the cluster tests when it is missing; 0 when fine, 1 to fail the run. */
function setUpRedis() {
  if (hasRedis()) return 0
  let reason = aptInstall('redis-server')
  if (reason === null && !hasRedis()) reason = 'apt-get installed redis-server but it does not run'
  if (reason === null) {
    say('redis-server installed')
    return 0
  }
  if (inCi) {
    say(`redis-server is missing (${reason}); CI is set, so the cluster tests would fail`)
    return 1
  }
  say(`the cluster tests will be skipped: redis-server is missing (${reason})`)
  return 0
}

function setUpChromium() {
  if (existsSync(CHROMIUM)) return 0
  const reason = install()
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

process.exitCode = Math.max(setUpChromium(), setUpRedis())
