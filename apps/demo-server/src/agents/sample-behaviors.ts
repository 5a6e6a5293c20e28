/** A sample behaviour: its name, a description and the script. */
export interface SampleBehavior {
  readonly name: string
  readonly description: string
  readonly code: string
}

/**
 * The demo's sample behaviours (each is a script declaring `function tick(view)`, see `agentView`):
 * `forager` heads for the nearest food, `hunter` chases smaller circles, flees bigger ones and splits on
 * prey, `wanderer` drifts in a seeded random walk toward food now and then.
 *
 * @example
 * for (const s of SAMPLE_BEHAVIORS) server.call('saveBehavior', { ...s, tags: 'sample' })
 */
export const SAMPLE_BEHAVIORS: readonly SampleBehavior[] = [
  {
    name: 'forager',
    description: 'Heads for the nearest food; respawns when eaten.',
    code: `function tick(view) {
  if (!view.self.alive) return { dirX: 0, dirY: 0, respawn: true }
  let best = null
  for (const f of view.food) {
    const d = (f.x - view.self.x) ** 2 + (f.y - view.self.y) ** 2
    if (best === null || d < best.d) best = { x: f.x, y: f.y, d }
  }
  if (best === null) return { dirX: view.world.size / 2 - view.self.x, dirY: view.world.size / 2 - view.self.y }
  return { dirX: best.x - view.self.x, dirY: best.y - view.self.y }
}`,
  },
  {
    name: 'hunter',
    description: 'Chases circles smaller than itself, flees bigger ones, splits toward close prey, else forages.',
    code: `function away(view, o) {
  return { dirX: view.self.x - o.x, dirY: view.self.y - o.y }
}
function tick(view) {
  const me = view.self
  if (!me.alive) return { dirX: 0, dirY: 0, respawn: true }
  let biggest = 0
  for (const c of me.circles) biggest = Math.max(biggest, c.mass)
  let threat = null
  let prey = null
  for (const o of view.others) {
    const d = Math.hypot(o.x - me.x, o.y - me.y)
    if (o.mass > biggest * 1.15 && (threat === null || d < threat.d)) threat = { x: o.x, y: o.y, d }
    else if (o.mass * 1.15 < biggest && (prey === null || d < prey.d)) prey = { x: o.x, y: o.y, d, mass: o.mass }
  }
  if (threat !== null && threat.d < 80) return away(view, threat)
  if (prey !== null) {
    const split = biggest >= view.world.minMassToSplit * 4 && prey.d < 60 && prey.mass * 2.5 < biggest
    return { dirX: prey.x - me.x, dirY: prey.y - me.y, split }
  }
  const f = view.food[0]
  return f ? { dirX: f.x - me.x, dirY: f.y - me.y } : { dirX: 1, dirY: 0 }
}`,
  },
  {
    name: 'wanderer',
    description: 'A seeded random walk: keeps its heading, turns now and then, sometimes toward food.',
    code: `let heading = { dirX: 1, dirY: 0 }
function tick(view) {
  if (!view.self.alive) return { dirX: 0, dirY: 0, respawn: true }
  if (Math.random() < 0.1) {
    const f = view.food[0]
    const a = Math.random() * Math.PI * 2
    heading = f && Math.random() < 0.5 ? { dirX: f.x - view.self.x, dirY: f.y - view.self.y } : { dirX: Math.cos(a), dirY: Math.sin(a) }
  }
  return heading
}`,
  },
]

/** A behaviour that never returns: it runs into its CPU budget every call and is suspended. */
export const ENDLESS_LOOP_BEHAVIOR: SampleBehavior = {
  name: 'endless-loop',
  description: 'Loops forever (to show the CPU budget and suspension at work).',
  code: 'function tick(view) {\n  while (true) {}\n}',
}
