import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { AgentHostMetrics } from '../src/agents/agent-host.js'
import { registerAgentMetrics } from '../src/agents/agent-metrics.js'

const metrics = (calls: number): AgentHostMetrics => ({
  agents: 3,
  suspended: 1,
  calls,
  failures: { interrupted: 2, threw: 1 } as unknown as AgentHostMetrics['failures'],
  interrupts: 2,
  suspensions: 1,
  skippedBatches: 4,
  lateIntents: 0,
  budgetP50Ms: 0.25,
  budgetP99Ms: 1.5,
  intentCalls: 10,
  intentErrors: 0,
  systemP50Ms: 0,
  systemP99Ms: 0,
  afterTickP50Ms: 0,
  afterTickP99Ms: 0,
})

describe('agent metrics', () => {
  it('reads the host at each scrape', async () => {
    const registry = new Registry()
    let current = metrics(100)
    registerAgentMetrics(registry, { metrics: () => current })
    const first = await registry.metrics()
    expect(first).toContain('orrery_behavior_calls_total 100')
    expect(first).toContain('orrery_behavior_failures_total{reason="interrupted"} 2')
    expect(first).toContain('orrery_behavior_budget_seconds{quantile="0.99"} 0.0015')
    expect(first).toContain('orrery_agents_suspended 1')
    current = metrics(250)
    expect(await registry.metrics()).toContain('orrery_behavior_calls_total 250')
  })
})
