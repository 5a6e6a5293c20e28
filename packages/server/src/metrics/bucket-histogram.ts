import { Histogram, type Registry } from 'prom-client'
import type { DurationBuckets } from './duration-buckets.js'

type Snapshot = Awaited<ReturnType<Histogram['get']>>

/** One labelled series of a {@link BucketHistogram}. */
export interface BucketSeries {
  readonly labels: Readonly<Record<string, string>>
  readonly buckets: DurationBuckets
}

/**
 * A prom-client histogram whose values come from {@link DurationBuckets} filled by the server, read at scrape
 * time: the hot path records into plain typed arrays, and never hashes label values (prom-client's own
 * `observe`, even through `labels()`, hashes them on every call). Durations are kept in ms and exported in
 * seconds, as Prometheus names them.
 */
export class BucketHistogram extends Histogram<string> {
  private readonly metric: { readonly name: string; readonly help: string }

  /**
   * @param config - name, help, label names and the registry
   * @param series - the series to export, read at every scrape
   */
  constructor(
    config: { name: string; help: string; labelNames: readonly string[]; registry: Registry },
    private readonly series: () => Iterable<BucketSeries>,
  ) {
    super({ name: config.name, help: config.help, labelNames: config.labelNames, registers: [config.registry] })
    this.metric = { name: config.name, help: config.help }
  }

  override async get(): Promise<Snapshot> {
    return this.snapshot()
  }

  /** What `Registry#metrics()` reads in preference to `get()`. */
  async getForPromString(): Promise<Snapshot> {
    return this.snapshot()
  }

  private snapshot(): Snapshot {
    const { name, help } = this.metric
    const values: Snapshot['values'] = []
    for (const { labels, buckets } of this.series()) {
      const cumulative = buckets.cumulative()
      buckets.boundsMs.forEach((boundMs, i) => {
        values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: boundMs / 1000 }, value: cumulative[i] ?? 0 })
      })
      values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: buckets.count })
      values.push({ metricName: `${name}_sum`, labels, value: buckets.sumMs / 1000 })
      values.push({ metricName: `${name}_count`, labels, value: buckets.count })
    }
    // prom-client's typings declare `type` as a numeric enum; at run time it is the Prometheus type name.
    const type = 'histogram' as unknown as Snapshot['type']
    return { name, help, type, values, aggregator: 'sum', collect: () => undefined }
  }
}
