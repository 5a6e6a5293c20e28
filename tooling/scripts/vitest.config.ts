import { definePackageConfig } from '@orrery/tooling-vitest'

export default definePackageConfig({ name: 'tooling-scripts', include: ['test/**/*.test.ts'] })
