// `@orrery/ecs/internal`: what the other Orrery packages need from the ECS's inside (the server's
// replay of recorded transactions). Not covered by semver: any release may change or remove these.
export { settleFreeList } from './world-image.js'
