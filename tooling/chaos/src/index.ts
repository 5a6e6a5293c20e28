export { createFaultProxy } from './fault-proxy.js'
export type { FaultProxy, FaultProxyOptions, ProxyLink } from './fault-proxy.js'
