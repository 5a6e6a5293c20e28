import { compileExamples } from '/work/wt-hygiene/tooling/scripts/test/examples/compile.ts'
import { findExamples } from '/work/wt-hygiene/tooling/scripts/test/examples/extract.ts'
const root = '/work/wt-hygiene'
const ex = findExamples(root)
console.log('examples', ex.length, 'tsdoc', ex.filter(e=>e.kind==='tsdoc').length)
const errs = compileExamples(root, ex)
const byEx = new Set(errs.map(e => e.example))
console.log('errors', errs.length, 'failing examples', byEx.size)
for (const e of errs) console.log(`${e.example.file}:${e.line} ${e.message.split('\n')[0].slice(0,200)}`)
