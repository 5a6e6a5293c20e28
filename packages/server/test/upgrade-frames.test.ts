import { CloseCode, encodeClientMessage, PROTOCOL_VERSION, UPGRADE_FRAMES_PROTOCOL, upgradeProtocols } from '@orrery/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrreryServer } from '../src/index.js'
import { RawClient, startServer } from './helpers.js'

// Protocol 2.2: Hello and a token answer ride in the upgrade request (docs/protocol.md, "Frames in the upgrade").
describe('frames in the upgrade request', () => {
  let server: OrreryServer
  let url: string
  afterEach(async () => {
    await server.close()
  })

  async function tokenOfFirstVisit(): Promise<{ identity: string; token: string }> {
    const first = await RawClient.open(url)
    const welcome = await first.handshake()
    await first.close()
    return { identity: welcome.identity, token: welcome.token }
  }

  it('answers Challenge and Welcome to a client that sends nothing on the socket', async () => {
    ;({ server, url } = await startServer())
    const { identity, token } = await tokenOfFirstVisit()
    const frames = [
      encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token, resume: null }),
      encodeClientMessage({ type: 'Authenticate', method: 'token', credential: token }),
    ]
    const client = await RawClient.open(url, upgradeProtocols(frames))
    expect(client.ws.protocol).toBe(UPGRADE_FRAMES_PROTOCOL)
    const welcome = await client.next('Welcome')
    expect(welcome.identity).toBe(identity)
    expect(client.messages.map((m) => m.type)).toEqual(['Challenge', 'Welcome'])
    await client.close()
  })

  it('takes a Hello alone: the client answers the Challenge on the socket', async () => {
    ;({ server, url } = await startServer())
    const hello = encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    const client = await RawClient.open(url, upgradeProtocols([hello]))
    await client.next('Challenge')
    client.send({ type: 'Authenticate', method: 'anonymous', credential: null })
    expect((await client.next('Welcome')).resumed).toBe(false)
    await client.close()
  })

  it('closes on a Hello sent again on the socket (UnexpectedMessage)', async () => {
    ;({ server, url } = await startServer())
    const hello = encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    const client = await RawClient.open(url, upgradeProtocols([hello]))
    client.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    expect((await client.closed).code).toBe(CloseCode.UnexpectedMessage)
  })

  it('closes on carried frames that are malformed or over the handshake frame limit', async () => {
    ;({ server, url } = await startServer({ limits: { handshakeFrameBytes: 64 } }))
    const notBase64 = await RawClient.open(url, ['orrery.frame.A', UPGRADE_FRAMES_PROTOCOL])
    expect((await notBase64.closed).code).toBe(CloseCode.ProtocolError)
    const notMsgpack = await RawClient.open(url, upgradeProtocols([new Uint8Array([0xc1])]))
    expect((await notMsgpack.closed).code).toBe(CloseCode.ProtocolError)
    const big = await RawClient.open(url, upgradeProtocols([new Uint8Array(200)]))
    expect((await big.closed).code).toBe(CloseCode.MessageTooBig)
  })
})
