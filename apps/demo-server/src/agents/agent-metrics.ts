import { Counter, Gauge, type Registry } from 'prom-client'
import type { AgentHostMetrics } from './agent-host.js'

/** Where the figures come from: the agent host. */
export interface AgentMetricsSource {
  metrics(): AgentHostMetrics
}

/**
 * Registers the agents' figures in a prom-client registry (served at `/metrics` with the server's own), read
 * from the host at scrape time: `orrery_behavior_calls_total`, `orrery_behavior_failures_total{reason}`,
 * `orrery_behavior_interrupts_total`, `orrery_behavior_suspensions_total`, `orrery_behavior_skipped_batches_total`,
 * `orrery_behavior_budget_seconds{quantile}` (CPU time of one call: 0.5 and 0.99 over the last 4096 calls),
 * `orrery_agents` and `orrery_agents_suspended`.
 *
 * @param registry - the registry given to the server's `metrics` option
 * @param source - the agent host
 */
export function registerAgentMetrics(registry: Registry, source: AgentMetricsSource): void {
  // Counters whose totals the host keeps: each scrape sets them to the host's figure.
  const total = (name: string, help: string, read: (m: AgentHostMetrics) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset()
        this.inc(read(source.metrics()))
      },
    })
  }
  total('orrery_behavior_calls_total', 'Behaviour calls answered (successes and failures).', (m) => m.calls)
  total('orrery_behavior_interrupts_total', 'Behaviour calls stopped by the CPU budget.', (m) => m.interrupts)
  total('orrery_behavior_suspensions_total', 'Agents suspended for repeated offences.', (m) => m.suspensions)
  total('orrery_behavior_skipped_batches_total', 'Ticks whose batch was skipped because the previous one still ran.', (m) => m.skippedBatches)
  new Counter({
    name: 'orrery_behavior_failures_total',
    help: 'Failed behaviour calls by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [reason, count] of Object.entries(source.metrics().failures)) this.inc({ reason }, count)
    },
  })
  new Gauge({
    name: 'orrery_behavior_budget_seconds',
    help: 'CPU time of one behaviour call over the last 4096 calls, seconds.',
    labelNames: ['quantile'],
    registers: [registry],
    collect() {
      const m = source.metrics()
      this.set({ quantile: '0.5' }, m.budgetP50Ms / 1000)
      this.set({ quantile: '0.99' }, m.budgetP99Ms / 1000)
    },
  })
  new Gauge({
    name: 'orrery_agents',
    help: 'Agents in play (suspended ones included).',
    registers: [registry],
    collect() {
      this.set(source.metrics().agents)
    },
  })
  new Gauge({
    name: 'orrery_agents_suspended',
    help: 'Agents suspended now.',
    registers: [registry],
    collect() {
      this.set(source.metrics().suspended)
    },
  })
}
