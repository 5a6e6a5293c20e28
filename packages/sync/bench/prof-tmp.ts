import { motion } from './motion.js'
import { orreryCase } from './orrery-codec.js'
const n = Number(process.argv[2] ?? 100)
const path = (process.argv[3] ?? 'encode') as 'encode' | 'decode'
const c = orreryCase(motion(n), path)
const t0 = performance.now()
while (performance.now() - t0 < 5000) for (let i = 0; i < 1000; i++) c.op()
