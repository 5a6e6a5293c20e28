import type { KeyRingStore } from '../key-ring.js'

/** A key ring store in memory that a test can reopen, as a restart would. */
export function memoryKeyStore(): KeyRingStore & { text: string | null } {
  const store = {
    description: 'memory key store',
    text: null as string | null,
    load: () => store.text,
    save: (text: string) => {
      store.text = text
    },
  }
  return store
}
