// The behaviour editor page: write a behaviour, dry-run it on a recorded world state, save it, spawn an agent, roll back.
import { createWebIdentityStorage, generateIdentity, type KeyIdentity, loadOrCreateIdentity } from '@orrery/auth'
import { connect } from '@orrery/client'
import { behaviorReducers, liveComponents, reducers } from '@orrery/demo-shared'
import type { Entity } from '@orrery/ecs'
import { allowedServers, chooseServer } from '../server-choice.js'
import { dryRun, type RecordedState, recordState } from './dry-run.js'

const STARTER = `// view: { tick, self: { alive, x, y, mass, circles }, food: [{ x, y, mass }], others: [...], world }
// returns { dirX, dirY, split?, respawn? }; Math.random is seeded and Date.now() frozen.
function tick(view) {
  if (!view.self.alive) return { dirX: 0, dirY: 0, respawn: true }
  const f = view.food[0]
  if (!f) return { dirX: 1, dirY: 0 }
  return { dirX: f.x - view.self.x, dirY: f.y - view.self.y }
}
`

function element<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const el = document.getElementById(id)
  if (!(el instanceof type)) throw new Error(`missing element #${id}`)
  return el
}

async function editorIdentity(url: string): Promise<KeyIdentity> {
  try {
    return await loadOrCreateIdentity(createWebIdentityStorage({ origin: new URL(url).origin, prefix: 'blackholio.editor-identity' }))
  } catch {
    return generateIdentity()
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

async function main(): Promise<void> {
  const field = (id: string): HTMLInputElement => element(id, HTMLInputElement)
  const code = element('code', HTMLTextAreaElement)
  const viewAs = element('viewAs', HTMLSelectElement)
  const status = element('status', HTMLPreElement)
  const output = element('output', HTMLPreElement)
  code.value = STARTER
  const show = (text: string, error = false): void => {
    output.textContent = text
    output.className = error ? 'error' : ''
  }

  const choice = chooseServer(location.href, allowedServers(document))
  const client = await connect({
    url: choice.url,
    components: liveComponents,
    reducers: { ...reducers, ...behaviorReducers },
    identity: await editorIdentity(choice.url),
    subscribe: [{ components: ['Body', 'Circle', 'Food', 'Player', 'LeaderboardEntry'] }],
  })
  status.textContent = `connected to ${choice.url} as ${client.identity.slice(0, 12)}…`

  let state: RecordedState | null = null
  const record = (): RecordedState => {
    state = recordState(client.replica.world, 0, Date.now())
    viewAs.replaceChildren(...state.players.map((p) => new Option(p.name || `player ${p.entity}`, String(p.entity))))
    status.textContent = `recorded ${state.players.length} players, ${(state.frame.length - 5) / 4} bodies at ${new Date(state.at).toISOString()}`
    return state
  }
  const call = (what: string, run: () => Promise<unknown>): void => {
    run().then(
      (result) => show(`${what}: ${JSON.stringify(result ?? 'done')}`),
      (error: unknown) => show(`${what} refused: ${messageOf(error)}`, true),
    )
  }

  element('record', HTMLButtonElement).addEventListener('click', () => record())
  element('dryRun', HTMLButtonElement).addEventListener('click', () => {
    const recorded = state ?? record()
    const player = Number(viewAs.value) as Entity
    dryRun(code.value, recorded, player, 1).then(
      (result) => {
        if (!result.ok) show(result.error, true)
        else show(`complexity ${result.complexity}\noutcome: ${JSON.stringify(result.outcome)}\n\nview: ${result.view}`, !result.outcome.ok)
      },
      (error: unknown) => show(messageOf(error), true),
    )
  })
  element('save', HTMLButtonElement).addEventListener('click', () => {
    const input = { name: field('name').value, description: field('description').value, code: code.value, tags: field('tags').value }
    call('saved', () => client.reducers.saveBehavior(input))
  })
  element('spawn', HTMLButtonElement).addEventListener('click', () => {
    call('agent spawned', () => client.reducers.spawnAgent({ name: field('agent').value, behavior: field('name').value, version: 0 }))
  })
  element('rollback', HTMLButtonElement).addEventListener('click', () => {
    const version = Number(field('version').value)
    call(`rolled back to version ${version}`, () => client.reducers.rollbackBehavior({ name: field('name').value, version }))
  })
}

main().catch((error: unknown) => {
  const status = document.getElementById('status')
  if (status !== null) status.textContent = `cannot connect: ${messageOf(error)}`
})
