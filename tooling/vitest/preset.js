// The shared vitest preset: every package's vitest.config.ts calls `definePackageConfig`.
// In-repo imports of @orrery/* resolve to `src` through the `@orrery/source`
// export condition, so tests run without a build step.
import { defineProject } from 'vitest/config'

/** The export condition that points in-repo imports at TypeScript sources. */
export const SOURCE_CONDITION = '@orrery/source'

/**
 * A vitest project config for one package or app.
 * @param {{ name: string, environment?: 'node', testTimeout?: number, include?: string[] }} options
 */
export function definePackageConfig(options) {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, 'node', 'import', 'default'] } },
    test: {
      name: options.name,
      environment: options.environment ?? 'node',
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 30_000,
    },
  })
}
