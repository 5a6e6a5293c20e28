import type { ChangeSet, Component, Entity, Field, FieldValue, Query, QueryOptions, Rng, Row, Schema, World } from '@orrery/ecs'
import type { CommitOrigin, CommitPipeline } from './commit-pipeline.js'

/**
 * The world the server hands out (`server.world`, `ctx.world`): the authoritative world with its
 * `transaction` routed through the commit pipeline, so a change made anywhere — a reducer, a
 * system, a hook, or server code outside them — gets a seq, an entry in the commit log and a
 * place in the next update. The raw world is never exposed, and a write outside a transaction
 * throws `ERR_NO_TRANSACTION`, so there is no way around the pipeline.
 */
export class PipelineWorld implements World {
  /**
   * @param raw - the authoritative world
   * @param pipeline - commits its outermost transactions
   * @param origin - the origin of transactions opened with `world.transaction` directly
   */
  constructor(
    private readonly raw: World,
    private readonly pipeline: CommitPipeline,
    private readonly origin: CommitOrigin,
  ) {}

  get rng(): Rng {
    return this.raw.rng
  }
  get trackChanges(): boolean {
    return this.raw.trackChanges
  }
  get inTransaction(): boolean {
    return this.raw.inTransaction
  }
  get entityCount(): number {
    return this.raw.entityCount
  }
  register(c: Component): void {
    this.raw.register(c)
  }
  create(): Entity {
    return this.raw.create()
  }
  createWithId(e: Entity): Entity {
    return this.raw.createWithId(e)
  }
  destroy(e: Entity): void {
    this.raw.destroy(e)
  }
  isAlive(e: Entity): boolean {
    return this.raw.isAlive(e)
  }
  add<S extends Schema>(e: Entity, c: Component<S>, values?: Partial<Row<S>>): void {
    this.raw.add(e, c, values)
  }
  remove<S extends Schema>(e: Entity, c: Component<S>): void {
    this.raw.remove(e, c)
  }
  has(e: Entity, c: Component): boolean {
    return this.raw.has(e, c)
  }
  get<S extends Schema>(e: Entity, c: Component<S>): Row<S> | undefined {
    return this.raw.get(e, c)
  }
  read<S extends Schema, K extends keyof S & string>(e: Entity, c: Component<S>, field: K): FieldValue<S[K]> {
    return this.raw.read(e, c, field)
  }
  set<S extends Schema, K extends keyof S & string>(e: Entity, c: Component<S>, field: K, value: FieldValue<S[K]>): void {
    this.raw.set(e, c, field, value)
  }
  update<S extends Schema>(e: Entity, c: Component<S>, values: Partial<Row<S>>): void {
    this.raw.update(e, c, values)
  }
  field<S extends Schema, K extends keyof S & string>(c: Component<S>, field: K): Field<FieldValue<S[K]>> {
    return this.raw.field(c, field)
  }
  query(all: readonly Component[], options?: QueryOptions): Query {
    return this.raw.query(all, options)
  }
  count(c: Component): number {
    return this.raw.count(c)
  }
  findUnique<S extends Schema>(c: Component<S>, field: keyof S & string, value: unknown): Entity | undefined {
    return this.raw.findUnique(c, field, value)
  }
  findAll<S extends Schema>(c: Component<S>, field: keyof S & string, value: unknown): readonly Entity[] {
    return this.raw.findAll(c, field, value)
  }
  findRange<S extends Schema>(c: Component<S>, field: keyof S & string, min: number, max: number): Entity[] {
    return this.raw.findRange(c, field, min, max)
  }
  queryRadius<S extends Schema>(c: Component<S>, x: number, y: number, radius: number, out?: Entity[]): Entity[] {
    return this.raw.queryRadius(c, x, y, radius, out)
  }
  queryRect<S extends Schema>(c: Component<S>, minX: number, minY: number, maxX: number, maxY: number, out?: Entity[]): Entity[] {
    return this.raw.queryRect(c, minX, minY, maxX, maxY, out)
  }
  emit(name: string, payload: unknown): void {
    this.raw.emit(name, payload)
  }
  /** Runs `fn` as one transaction committed through the pipeline (a savepoint when one is open). */
  transaction<T>(fn: () => T): { result: T; changes: ChangeSet } {
    const { result, changes } = this.pipeline.run(this.origin, fn)
    return { result, changes }
  }
  entities(): IterableIterator<Entity> {
    return this.raw.entities()
  }
}
