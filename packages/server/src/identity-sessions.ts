import { CloseCode } from '@orrery/protocol'
import type { Identity } from './authenticator.js'
import type { ClientSession } from './client-session.js'
import type { DuplicateIdentityPolicy } from './options.js'

/**
 * The open sessions of each identity, and the duplicate-identity policy: with `'replace'`, a new session
 * of an identity closes the older ones with CloseCode.SessionReplaced.
 */
export class IdentitySessions {
  private readonly byIdentity = new Map<Identity, Set<ClientSession>>()

  /** @param policy - what a second connection of an open identity does */
  constructor(readonly policy: DuplicateIdentityPolicy) {}

  /** Adds an admitted session, first closing the identity's older ones under the `'replace'` policy. */
  add(session: ClientSession, identity: Identity): void {
    const previous = this.byIdentity.get(identity)
    if (this.policy === 'replace' && previous !== undefined) {
      for (const old of [...previous]) {
        old.log.info('replaced by a new connection with the same identity')
        old.end(CloseCode.SessionReplaced, 'session replaced')
      }
    }
    let set = this.byIdentity.get(identity)
    if (set === undefined) this.byIdentity.set(identity, (set = new Set()))
    set.add(session)
  }

  /** Forgets an ended session. */
  remove(session: ClientSession, identity: Identity): void {
    const set = this.byIdentity.get(identity)
    set?.delete(session)
    if (set?.size === 0) this.byIdentity.delete(identity)
  }
}
