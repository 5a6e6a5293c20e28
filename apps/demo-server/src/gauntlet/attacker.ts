// A gauntlet's attacker process: workers that open hostile connections from many loopback addresses
// (127.1.0.1 onwards) until the run has sent its frames. Messages to the parent: { type: 'progress', framesSent }
// each second and { type: 'done', framesSent, closeCodes, connections, scenarios } at the end.
import { parseArgs } from 'node:util'
import { createRng } from '@orrery/ecs'
import type WebSocket from 'ws'
import { type AttackContext, newKey, pickScenario } from './attack-scenarios.js'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    frames: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '32' },
    addresses: { type: 'string', default: '4096' },
  },
})

const target = Number(values.frames)
const seed = Number(values.seed)
const addresses = Number(values.addresses)
let framesSent = 0
let connections = 0
const closeCodes: Record<string, number> = {}
const scenarios: Record<string, number> = {}

function send(ws: WebSocket, frame: Uint8Array): boolean {
  if (ws.readyState !== 1) return false
  ws.send(frame)
  framesSent++
  return true
}

/** The n-th address of the attackers' pool: 127.1.0.1 onwards (each stands for another machine). */
function addressOf(n: number): string {
  const k = n % addresses
  return `127.1.${k >> 8}.${(k & 255) === 0 ? 1 : k & 255}`
}

async function worker(index: number): Promise<void> {
  const rng = createRng((seed * 7919 + index * 104_729) >>> 0)
  let refused = false
  const ctx: AttackContext = {
    url: values.url as string,
    address: addressOf(rng.int(0, addresses)),
    rng,
    key: newKey(),
    token: null,
    send,
    count: (n) => {
      framesSent += n
    },
    closedWith: (code) => {
      closeCodes[code] = (closeCodes[code] ?? 0) + 1
      // Refused at the upgrade (1006 without a close frame) or at the handshake: this address is spent for now.
      if (code === 1006 || code === 4004) refused = true
    },
    done: () => framesSent >= target,
  }
  while (framesSent < target) {
    const scenario = pickScenario(rng)
    scenarios[scenario.name] = (scenarios[scenario.name] ?? 0) + 1
    connections++
    try {
      await scenario.run(ctx)
    } catch {
      closeCodes.thrown = (closeCodes.thrown ?? 0) + 1
    }
    if (refused) {
      ctx.address = addressOf(rng.int(0, addresses))
      refused = false
    }
    // A pause between connections keeps this process from taking the machine's cores from the server.
    await new Promise((r) => setTimeout(r, 5))
  }
}

const progress = setInterval(() => process.send?.({ type: 'progress', framesSent }), 1000)
await Promise.all(Array.from({ length: Number(values.workers) }, (_, i) => worker(i)))
clearInterval(progress)
process.send?.({ type: 'done', framesSent, closeCodes, connections, scenarios })
process.disconnect?.()
setTimeout(() => process.exit(0), 1000).unref()
