// `@orrery/protocol/internal`: what the Orrery server and sync packages need from the codec's inside
// (a reusable frame writer, the cheap scans a server runs before it decodes an untrusted frame).
// Not covered by semver: any release may change or remove these.
export { countFrameElements } from './frame-elements.js'
export { frameTag } from './frame-tag.js'
export { FrameWriter } from './frame-writer.js'
export { peekRequestId } from './peek-request-id.js'
