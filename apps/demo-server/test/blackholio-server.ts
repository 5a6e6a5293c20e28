// A Blackholio server for the browser tests: key sign-in, no logs, an ephemeral port on 127.0.0.1, the built
// web client served when asked for.
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { ensureClientBuilt } from '../src/client-build.js'
import { createBlackholioModule } from '../src/module.js'
import { createStaticHandler } from '../src/static-files.js'

/** A running test server and its address. */
export interface BlackholioServer {
  readonly server: OrreryServer
  readonly port: number
}

/**
 * Starts a Blackholio server.
 *
 * @param options - world seed; `webClient` serves the built web client (built first when needed); `monitor` turns on /monitor
 */
export async function startBlackholio(options: { seed: number; webClient?: boolean; monitor?: boolean }): Promise<BlackholioServer> {
  const distDir = options.webClient === true ? (await ensureClientBuilt()).distDir : null
  const server = createServer({
    module: createBlackholioModule(),
    port: 0,
    seed: options.seed,
    logger: false,
    authenticator: createKeyAuthenticator({ issuer: 'blackholio', audience: 'blackholio' }),
    ...(distDir === null ? {} : { httpHandler: createStaticHandler(distDir) }),
    ...(options.monitor === true ? { monitor: true } : {}),
  })
  const { port } = await server.listen()
  return { server, port }
}
