import type { RelayMetrics } from '../../relay/metrics'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createPrometheusMetrics } from '../../relay/prometheus'
import { metricsRoutes } from '../../relay/routes/metrics'

function scrapeable(metrics: RelayMetrics = createPrometheusMetrics({ collectDefault: false })) {
  const app = new Hono().route('/', metricsRoutes(metrics))
  const scrape = async () => (await app.request('/metrics')).text()
  const lines = async () => (await scrape()).split('\n')
  return { metrics, app, scrape, lines }
}

describe('the /metrics route', () => {
  it('answers in the Prometheus text format and is never cached', async () => {
    const { app } = scrapeable()
    const response = await app.request('/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(await response.text()).toContain('# TYPE sori_relay_requests_total counter')
  })

  it('adds Node process metrics unless told not to', async () => {
    const withDefaults = await scrapeable(createPrometheusMetrics()).scrape()
    expect(withDefaults).toMatch(/^process_cpu_user_seconds_total \d/m)
    expect(withDefaults).toMatch(/^nodejs_heap_size_total_bytes \d/m)
    expect(await scrapeable().scrape()).not.toContain('process_cpu')
  })
})

describe('prometheus relay metrics', () => {
  it('counts requests by route, method, status and model', async () => {
    const { metrics, lines } = scrapeable()
    const ok = { route: '/v1/chat/completions', method: 'POST', status: 200, model: 'gpt-4.1' }
    metrics.request(ok)
    metrics.request(ok)
    metrics.request({ ...ok, status: 429 })
    expect(await lines()).toEqual(expect.arrayContaining([
      'sori_relay_requests_total{route="/v1/chat/completions",method="POST",status="200",model="gpt-4.1"} 2',
      'sori_relay_requests_total{route="/v1/chat/completions",method="POST",status="429",model="gpt-4.1"} 1',
    ]))
  })

  it('puts first-token latencies in cumulative buckets', async () => {
    const { metrics, lines } = scrapeable()
    metrics.firstToken('gpt-4.1', 0.04)
    metrics.firstToken('gpt-4.1', 0.3)
    metrics.firstToken('gpt-4.1', 12)
    expect(await lines()).toEqual(expect.arrayContaining([
      'sori_relay_first_token_seconds_bucket{le="0.05",model="gpt-4.1"} 1',
      'sori_relay_first_token_seconds_bucket{le="0.25",model="gpt-4.1"} 1',
      'sori_relay_first_token_seconds_bucket{le="0.5",model="gpt-4.1"} 2',
      'sori_relay_first_token_seconds_bucket{le="10",model="gpt-4.1"} 2',
      'sori_relay_first_token_seconds_bucket{le="15",model="gpt-4.1"} 3',
      'sori_relay_first_token_seconds_bucket{le="30",model="gpt-4.1"} 3',
      'sori_relay_first_token_seconds_bucket{le="+Inf",model="gpt-4.1"} 3',
      'sori_relay_first_token_seconds_sum{model="gpt-4.1"} 12.34',
      'sori_relay_first_token_seconds_count{model="gpt-4.1"} 3',
    ]))
  })

  it('records stream durations by outcome, with buckets up to ten minutes', async () => {
    const { metrics, lines } = scrapeable()
    metrics.streamEnded('claude-sonnet-4', 42, 'done')
    metrics.streamEnded('claude-sonnet-4', 700, 'cancelled')
    expect(await lines()).toEqual(expect.arrayContaining([
      'sori_relay_stream_duration_seconds_bucket{le="30",model="claude-sonnet-4",outcome="done"} 0',
      'sori_relay_stream_duration_seconds_bucket{le="45",model="claude-sonnet-4",outcome="done"} 1',
      'sori_relay_stream_duration_seconds_bucket{le="600",model="claude-sonnet-4",outcome="cancelled"} 0',
      'sori_relay_stream_duration_seconds_bucket{le="+Inf",model="claude-sonnet-4",outcome="cancelled"} 1',
      'sori_relay_stream_duration_seconds_count{model="claude-sonnet-4",outcome="done"} 1',
    ]))
  })

  it('tracks open streams going up and down', async () => {
    const { metrics, lines } = scrapeable()
    expect(await lines()).toContain('sori_relay_streams_active 0')
    metrics.streamOpened()
    metrics.streamOpened()
    expect(await lines()).toContain('sori_relay_streams_active 2')
    metrics.streamClosed()
    expect(await lines()).toContain('sori_relay_streams_active 1')
  })

  it('adds up tokens by kind and cost only for priced models', async () => {
    const { metrics, lines, scrape } = scrapeable()
    metrics.usage('gpt-4.1', { prompt: 100, completion: 40, cached: 60 }, 0.00052)
    metrics.usage('gpt-4.1', { prompt: 10, completion: 5, cached: 0 }, 0.00008)
    metrics.usage('local-llama', { prompt: 7, completion: 3, cached: 0 }, null)
    expect(await lines()).toEqual(expect.arrayContaining([
      'sori_relay_tokens_total{model="gpt-4.1",kind="prompt"} 110',
      'sori_relay_tokens_total{model="gpt-4.1",kind="completion"} 45',
      'sori_relay_tokens_total{model="gpt-4.1",kind="cached"} 60',
      'sori_relay_tokens_total{model="local-llama",kind="prompt"} 7',
      'sori_relay_cost_usd_total{model="gpt-4.1"} 0.0006',
    ]))
    expect(await scrape()).not.toContain('sori_relay_cost_usd_total{model="local-llama"}')
  })

  it('drops nonsense usage numbers instead of throwing into the stream', async () => {
    const { metrics, lines } = scrapeable()
    expect(() => metrics.usage('m', { prompt: -1, completion: Number.NaN, cached: 2 }, Number.POSITIVE_INFINITY)).not.toThrow()
    expect(() => metrics.firstToken('m', -0.5)).not.toThrow()
    const scraped = await lines()
    expect(scraped).toContain('sori_relay_tokens_total{model="m",kind="cached"} 2')
    expect(scraped.filter(line => line.startsWith('sori_relay_tokens_total{'))).toHaveLength(1)
    expect(scraped.some(line => line.startsWith('sori_relay_cost_usd_total{'))).toBe(false)
    expect(scraped.some(line => line.startsWith('sori_relay_first_token_seconds_count{'))).toBe(false)
  })

  it('counts retries, failovers and upstream errors', async () => {
    const { metrics, lines } = scrapeable()
    metrics.retry('gpt-4.1', 'timeout')
    metrics.retry('gpt-4.1', 'timeout')
    metrics.failover('gpt-4.1', 'claude-sonnet-4')
    metrics.upstreamError('gpt-4.1', 'http')
    expect(await lines()).toEqual(expect.arrayContaining([
      'sori_relay_retries_total{model="gpt-4.1",reason="timeout"} 2',
      'sori_relay_failovers_total{from="gpt-4.1",to="claude-sonnet-4"} 1',
      'sori_relay_upstream_errors_total{model="gpt-4.1",type="http"} 1',
    ]))
  })

  it('collapses over-long model names and models past the 200th into "other"', async () => {
    const { metrics, lines, scrape } = scrapeable()
    const request = (model: string) => metrics.request({ route: '/v1/chat/completions', method: 'POST', status: 400, model })
    request('x'.repeat(101))
    for (let i = 0; i < 250; i++)
      request(`random-${i}`)
    request('random-0')
    metrics.failover('random-1', 'never-seen-before')
    const scraped = await lines()
    const series = scraped.filter(line => line.startsWith('sori_relay_requests_total{'))
    expect(series).toHaveLength(201)
    expect(scraped).toEqual(expect.arrayContaining([
      'sori_relay_requests_total{route="/v1/chat/completions",method="POST",status="400",model="random-0"} 2',
      'sori_relay_requests_total{route="/v1/chat/completions",method="POST",status="400",model="random-199"} 1',
      'sori_relay_requests_total{route="/v1/chat/completions",method="POST",status="400",model="other"} 51',
      'sori_relay_failovers_total{from="random-1",to="other"} 1',
    ]))
    expect(await scrape()).not.toContain('random-200"')
  })

  it('keeps a 100-character model name as it is', async () => {
    const { metrics, lines } = scrapeable()
    metrics.firstToken('m'.repeat(100), 1)
    expect(await lines()).toContain(`sori_relay_first_token_seconds_count{model="${'m'.repeat(100)}"} 1`)
  })

  it('keeps each instance\'s series to itself', async () => {
    const first = scrapeable()
    const second = scrapeable()
    first.metrics.streamOpened()
    first.metrics.request({ route: '/v1/models', method: 'GET', status: 200, model: '' })
    expect(await first.lines()).toContain('sori_relay_streams_active 1')
    expect(await second.lines()).toContain('sori_relay_streams_active 0')
    expect(await second.scrape()).not.toContain('sori_relay_requests_total{')
  })

  it('honours a custom prefix', async () => {
    const { metrics, lines } = scrapeable(createPrometheusMetrics({ prefix: 'edge_', collectDefault: false }))
    metrics.streamOpened()
    expect(await lines()).toContain('edge_streams_active 1')
  })
})
