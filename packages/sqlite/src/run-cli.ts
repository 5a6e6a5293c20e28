// Entry of `pnpm orrery …` in this repository (the published bin is bin/orrery.js).
import { main } from './cli.js'

await main(process.argv)
