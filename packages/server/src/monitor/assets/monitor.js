// The Orrery monitor page: polls /monitor/data once a second and plots the last five minutes with uPlot.
import uPlot from '/monitor/uplot.js'

const POLL_MS = 1000
/** Points kept per plot (five minutes at one a second). */
const KEEP = 300

/** Plot id → its series (label, colour) and how to read one point from the previous and current data. */
const PLOTS = {
  'plot-clients': {
    title: 'Clients',
    series: [
      ['clients', '#1f77b4', (_, d) => d.clients],
      ['sockets', '#aec7e8', (_, d) => d.connections],
    ],
  },
  'plot-tick': {
    title: 'Tick time (ms)',
    series: [
      ['p50', '#2ca02c', (_, d) => d.tickMs.p50],
      ['p99', '#d62728', (_, d) => d.tickMs.p99],
    ],
  },
  'plot-bytes': {
    title: 'Bytes per second',
    series: [
      ['in', '#9467bd', (p, d) => rate(p, d, 'bytesIn')],
      ['out', '#ff7f0e', (p, d) => rate(p, d, 'bytesOut')],
    ],
  },
  'plot-reducers': {
    title: 'Reducer calls per second',
    series: [
      ['calls', '#17becf', (p, d) => rate(p, d, 'reducerCalls')],
      ['errors', '#d62728', (p, d) => rate(p, d, 'reducerErrors')],
    ],
  },
}

/** Per second, between two readings of a total. */
function rate(previous, current, key) {
  const seconds = (current.time - previous.time) / 1000
  return seconds > 0 ? Math.max(0, (current[key] - previous[key]) / seconds) : 0
}

function makePlot(id, spec) {
  const element = document.getElementById(id)
  const data = [[], ...spec.series.map(() => [])]
  const options = {
    title: spec.title,
    width: Math.max(300, element.clientWidth - 8),
    height: 200,
    series: [{}, ...spec.series.map(([label, stroke]) => ({ label, stroke, width: 2 }))],
    axes: [{}, { size: 60 }],
  }
  return { spec, data, plot: new uPlot(options, data, element) }
}

const plots = Object.entries(PLOTS).map(([id, spec]) => makePlot(id, spec))
/** For tests and the console: the plots and the latest data. */
window.orreryMonitor = { plots: plots.map((p) => p.plot), latest: null }

function push(previous, current) {
  for (const { spec, data, plot } of plots) {
    data[0].push(current.time / 1000)
    spec.series.forEach(([, , read], i) => {
      data[i + 1].push(read(previous, current))
    })
    if (data[0].length > KEEP) for (const column of data) column.shift()
    plot.setData(data)
  }
}

function row(cells) {
  const tr = document.createElement('tr')
  for (const cell of cells) {
    const td = document.createElement('td')
    td.textContent = cell === null || cell === undefined ? '–' : String(cell)
    tr.append(td)
  }
  return tr
}

const fixed = (n) => (n === null ? null : n.toFixed(2))

function render(d) {
  document.querySelector('#reducers tbody').replaceChildren(
    ...d.slowestReducers.map((r) => row([r.name, r.calls, r.errors, fixed(r.p50), fixed(r.p99), fixed(r.max)])),
  )
  document.getElementById('session-count').textContent = String(d.connections)
  document.querySelector('#sessions tbody').replaceChildren(
    ...d.sessions.map((s) => row([s.id, s.identity, s.address, Math.round(s.connectedMs / 1000), fixed(s.rttMs), s.bytesIn, s.bytesOut, s.outboxBytes])),
  )
}

const status = document.getElementById('status')
let previous = null

async function poll() {
  try {
    const response = await fetch('/monitor/data', { cache: 'no-store' })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    const current = await response.json()
    if (previous !== null) push(previous, current)
    previous = current
    window.orreryMonitor.latest = current
    render(current)
    status.className = ''
    status.textContent = `seq ${current.seq} · tick ${current.ticks} · updated ${new Date(current.time).toLocaleTimeString()}`
  } catch (error) {
    status.className = 'failed'
    status.textContent = `cannot read /monitor/data: ${error.message}`
  }
  setTimeout(poll, POLL_MS)
}

window.addEventListener('resize', () => {
  for (const { plot } of plots) plot.setSize({ width: Math.max(300, plot.root.parentElement.clientWidth - 8), height: 200 })
})

poll()
