import { readFileSync } from 'node:fs'
import { defineComponent, type Entity } from '@orrery/ecs'
import { decodeServerMessage, type ServerMessage } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import { createReplica } from './replica.js'

// The components the vectors' Welcome describes.
const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' }, { quantize: { x: 1 / 16, y: 1 / 16 } })
const Player = defineComponent('Player', { identity: 'string', name: 'string' })

/** The server → client vectors of docs/protocol.md §12 that tell one session's story, in order. */
const STORY = [
  'Welcome',
  'TransactionUpdate (binds and quantized inserts)',
  'SubscribeApplied',
  'TransactionUpdate (quantized delta update runs)',
  'TransactionUpdate (delete, release, and the handle bound again)',
  'TransactionUpdate (empty tick with ack)',
  'TransactionUpdate (a steady mover: a run of mask 0)',
  'Welcome (resumed, 2.1)',
]

function vectorBytes(markdown: string, title: string): Uint8Array {
  const section = markdown.slice(markdown.indexOf('## 12. Test vectors'))
  const at = section.indexOf(`#### ${title}\n`)
  if (at < 0) throw new Error(`no vector ${title}`)
  const hex = /```hex\n([0-9a-f \n]+?)\n```/.exec(section.slice(at))?.[1]
  if (hex === undefined) throw new Error(`no bytes for ${title}`)
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
}

describe('the server vectors of docs/protocol.md', () => {
  it('apply in order to a replica and leave the state the page describes', () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')
    const messages: ServerMessage[] = STORY.map((title) => decodeServerMessage(vectorBytes(doc, title)))
    const welcome = messages[0]
    if (welcome?.type !== 'Welcome') throw new Error('the story starts with a Welcome')
    const replica = createReplica({ components: [Body, Player], schema: welcome.schema })
    replica.startSession(welcome, false)
    const gaps: unknown[] = []
    replica.onGap((info) => gaps.push(info))
    const resumed = messages.at(-1)
    if (resumed?.type !== 'Welcome' || !resumed.resumed) throw new Error('the story ends with a resumed Welcome')
    for (const m of messages.slice(1, -1)) expect(replica.apply(m)).toBe(true)
    // A resumed session keeps everything: the state below holds after it.
    replica.startSession(resumed, true)
    expect(resumed.seq).toBe(replica.seq)
    expect(gaps).toEqual([])
    const world = replica.world
    expect(world.get(1048577 as Entity, Body)).toEqual({ x: 12.5, y: -3, mass: 16 })
    expect(world.isAlive(1048578 as Entity)).toBe(false)
    expect(world.get(1048579 as Entity, Body)).toEqual({ x: 2, y: 3, mass: 41 })
    expect(world.get(1048580 as Entity, Body)).toEqual({ x: -100, y: 50, mass: 25 })
    expect(replica.seq).toBe(49)
    expect(replica.ack).toBe(3)
    expect(replica.tick).toBe(907)
    expect(replica.serverTime).toBe(1_700_000_000_350)
  })
})
