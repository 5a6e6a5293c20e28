import type { UserWorkspaceConfig } from 'vitest/config'
export declare const SOURCE_CONDITION: '@orrery/source'
export declare function definePackageConfig(options: {
  name: string
  environment?: 'node'
  testTimeout?: number
  include?: string[]
}): UserWorkspaceConfig
