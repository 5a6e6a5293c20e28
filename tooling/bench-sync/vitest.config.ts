import { definePackageConfig } from '@orrery/tooling-vitest'

export default definePackageConfig({ name: 'bench-sync' })
