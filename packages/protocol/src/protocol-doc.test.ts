import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CloseCode } from './close-code.js'
import { decodeClientMessage } from './decode-client.js'
import { decodeServerMessage } from './decode-server.js'
import { encodeClientMessage } from './encode-client.js'
import { encodeServerMessage } from './encode-server.js'
import { ERROR_CODES } from './error-code.js'
import { MessageType } from './message-type.js'
import type { ClientMessage, Message, ServerMessage } from './messages.js'

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')
const CLIENT_TYPES = new Set(['Hello', 'Authenticate', 'Subscribe', 'Unsubscribe', 'CallReducer', 'Ping', 'RefreshToken', 'SetArea'])

interface Vector {
  readonly title: string
  readonly message: Message
  readonly bytes: Uint8Array
}

function parseVectors(markdown: string): Vector[] {
  const section = markdown.slice(markdown.indexOf('## 12. Test vectors'))
  const pattern = /#### (.+)\n\n```json\n([^\n]+)\n```\n\n```hex\n([0-9a-f \n]+?)\n```/g
  const vectors: Vector[] = []
  for (const match of section.matchAll(pattern)) {
    const [, title, json, hex] = match as unknown as [string, string, string, string]
    const message = JSON.parse(json, (_key, value: unknown) =>
      value !== null && typeof value === 'object' && '$bin' in value
        ? Uint8Array.from(Buffer.from((value as { $bin: string }).$bin, 'hex'))
        : value,
    ) as Message
    vectors.push({ title, message, bytes: Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex')) })
  }
  return vectors
}

const vectors = parseVectors(doc)

describe('docs/protocol.md test vectors', () => {
  it('cover every message type', () => {
    expect(new Set(vectors.map((v) => v.message.type))).toEqual(new Set(Object.keys(MessageType)))
  })

  it('are every heading of the section, each well formed', () => {
    const headings = doc.slice(doc.indexOf('## 12. Test vectors')).match(/^#### .+$/gm) ?? []
    expect(vectors.map((v) => `#### ${v.title}`)).toEqual(headings)
  })

  it('include handles, quantized values, deltas, areas and an empty tick with ack', () => {
    const titles = vectors.map((v) => v.title)
    for (const title of [
      'Subscribe (with an area)',
      'SetArea',
      'TransactionUpdate (binds and quantized inserts)',
      'TransactionUpdate (quantized delta update runs)',
      'TransactionUpdate (delete, release, and the handle bound again)',
      'TransactionUpdate (empty tick with ack)',
    ]) {
      expect(titles).toContain(title)
    }
  })

  it.each(vectors.map((v) => [v.title, v] as const))('%s: encoding gives the documented bytes', (_title, vector) => {
    const bytes = CLIENT_TYPES.has(vector.message.type)
      ? encodeClientMessage(vector.message as ClientMessage)
      : encodeServerMessage(vector.message as ServerMessage)
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(vector.bytes).toString('hex'))
  })

  it.each(vectors.map((v) => [v.title, v] as const))('%s: decoding the documented bytes gives the message', (_title, vector) => {
    const decoded = CLIENT_TYPES.has(vector.message.type) ? decodeClientMessage(vector.bytes) : decodeServerMessage(vector.bytes)
    expect(decoded).toStrictEqual(vector.message)
  })
})

describe('docs/protocol.md tables', () => {
  it('list every close code with its number', () => {
    for (const [name, code] of Object.entries(CloseCode)) {
      expect(doc).toMatch(new RegExp(`\\| ${code} \\| ${name} \\|`))
    }
  })

  it('list every wire error code', () => {
    for (const code of ERROR_CODES) expect(doc).toContain(`| \`${code}\` |`)
  })

  it('list every message tag', () => {
    for (const [name, tag] of Object.entries(MessageType)) {
      expect(doc).toContain(`| \`0x${tag.toString(16).padStart(2, '0')}\` | ${name} |`)
    }
  })
})
