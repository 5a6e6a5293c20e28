/**
 * One codec measurement in its own worker thread (its own V8 isolate): code shared by the cases
 * (msgpackr sits under Orrery's decoder and is the floor too) is optimized for one case at a time.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { measure } from '@orrery/tooling-bench'
import type { CodecCase, CodecJob, CodecResult } from './codec-case.js'
import { colyseusCase } from './colyseus-codec.js'
import { colyseusViewCase } from './colyseus-view-change.js'
import { motion } from './motion.js'
import { msgpackrCase } from './msgpackr-codec.js'
import { orreryCase } from './orrery-codec.js'
import { orreryViewCase } from './orrery-view-change.js'
import { viewGroups } from './view-change.js'

function make(job: CodecJob): CodecCase {
  if (job.path === 'viewEncode' || job.path === 'viewDecode') {
    const side = job.path === 'viewEncode' ? 'encode' : 'decode'
    if (job.lib === 'orrery') return orreryViewCase(viewGroups(job.n), side)
    if (job.lib === 'colyseusView') return colyseusViewCase(viewGroups(job.n), side)
    throw new Error(`no view-change case for ${job.lib}`)
  }
  const m = motion(job.n)
  switch (job.lib) {
    case 'orrery':
      return orreryCase(m, job.path)
    case 'colyseus':
      return colyseusCase(m, job.path)
    case 'msgpackr':
      return msgpackrCase(m, job.path)
    case 'colyseusView':
      return colyseusCase(m, job.path, true)
  }
}

const job = workerData as CodecJob
const c = make(job)
const result: CodecResult = { samples: measure(c.op, job.opts).samples, bytesPerFrame: c.bytesPerFrame }
parentPort?.postMessage(result)
