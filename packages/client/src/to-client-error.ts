import { ClientError, type ClientErrorCode } from './client-error.js'

/**
 * Maps a rejection of `connection.request` to a {@link ClientError}.
 * @param error - a ConnectionError (code `ERR_REMOTE`, `ERR_TIMEOUT`, `ERR_DISCONNECTED`, `ERR_NOT_CONNECTED`) or anything else
 * @param remote - the code for an error the server answered with
 * @returns the ClientError to reject with
 */
export function toClientError(error: unknown, remote: 'ERR_SUBSCRIBE_FAILED' | 'ERR_REMOTE'): ClientError {
  if (error instanceof ClientError) return error
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  const message = error instanceof Error ? error.message : String(error)
  const remoteCode = remoteCodeOf(error)
  if (code === 'ERR_REMOTE' || remoteCode !== undefined) {
    return new ClientError(remote, message, remoteCode === undefined ? { cause: error } : { cause: error, remoteCode })
  }
  const local: ClientErrorCode = code === 'ERR_TIMEOUT' || code === 'ERR_DISCONNECTED' || code === 'ERR_NOT_CONNECTED' ? code : 'ERR_DISCONNECTED'
  return new ClientError(local, message, { cause: error })
}

function remoteCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const direct = (error as { remoteCode?: unknown }).remoteCode
  if (typeof direct === 'string') return direct
  return undefined
}
