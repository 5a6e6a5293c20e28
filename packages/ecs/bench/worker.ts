/**
 * One measurement in its own worker thread (its own V8 isolate), as the public ecs-benchmark
 * suite does (src/bench_worker.js): code shared by scenarios is optimized for one scenario at a
 * time, for every library alike.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { type MeasureOptions, measure } from '@orrery/tooling-bench'
import * as bit from './bitecs-cases.js'
import * as orr from './orrery-cases.js'
import { orreryCosts } from './orrery-costs.js'

/** What the main thread asks a worker to measure. */
export interface Job {
  readonly scenario: string
  readonly lib: 'bitecs' | 'orrery-tracked' | 'orrery-untracked' | 'costs'
  readonly opts: MeasureOptions
}

const N = 1000

function make(job: Job): () => void {
  const tracked = job.lib === 'orrery-tracked'
  const isBit = job.lib === 'bitecs'
  switch (job.scenario) {
    case 'packed_5':
      return isBit ? bit.packed5(N, 'double') : orr.packed5(N, tracked, 'double')
    case 'simple_iter':
      return isBit ? bit.simpleIter(N) : orr.simpleIter(N, tracked)
    case 'frag_iter':
      return isBit ? bit.fragIter(100) : orr.fragIter(100, tracked)
    case 'entity_cycle':
      return isBit ? bit.entityCycle(N) : orr.entityCycle(N, tracked)
    case 'add_remove':
      return isBit ? bit.addRemove(N) : orr.addRemove(N, tracked)
    case 'packed_5_inc':
      return isBit ? bit.packed5(N, 'increment') : orr.packed5(N, tracked, 'increment')
    default:
      throw new Error(`unknown scenario ${job.scenario}`)
  }
}

const job = workerData as Job
if (job.lib === 'costs') parentPort?.postMessage(orreryCosts(job.opts))
else parentPort?.postMessage(measure(make(job), job.opts).opsPerSec)
