// Node-only entry point: identity files and the server's key files.
export { createFileIdentityStorage, createFileKeyRingStore, defaultIdentityPath } from './file-storage.js'
