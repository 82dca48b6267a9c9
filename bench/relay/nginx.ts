// nginx in front of the mock upstream: proxy_pass with buffering off, HTTP/1.1 and keepalive
// to the upstream, 1 worker process (the relay is one Node process). Runs in the foreground
// from a temp dir (-p dir -c conf -g 'daemon off;'); the benchmark installs nothing.
import type { ChildProcess } from 'node:child_process'
import type { Target } from './paths'
import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { API_KEY } from './paths'
import { childPids, freePort, track } from './procs'

/** The nginx binary, or null with the reason it cannot be used. */
export function findNginx(given?: string): { bin: string, version: string } | { skip: string } {
  for (const bin of given ? [given] : ['nginx', '/usr/sbin/nginx']) {
    const probe = spawnSync(bin, ['-v'], { encoding: 'utf8' })
    if (!probe.error)
      return { bin, version: probe.stderr.trim().replace(/^nginx version: /, '') }
  }
  return { skip: `nginx not found${given ? ` at ${given}` : ''}; install it with \`sudo apt-get install nginx-light\` (or \`nginx\`), or pass --nginx /path/to/nginx` }
}

export async function startNginx(bin: string, dir: string, upstreamUrl: string): Promise<{ target: Target, child: ChildProcess }> {
  const port = await freePort()
  const temp = (kind: string) => `${kind}_temp_path ${join(dir, kind)};`
  const conf = `# 1 worker, as the relay is one Node process; proxy_buffering off, as SSE needs.
worker_processes 1;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
worker_rlimit_nofile 20000;
events { worker_connections 8192; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  upstream mock { server ${new URL(upstreamUrl).host}; keepalive 1024; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer ${API_KEY}";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
`
  const confPath = join(dir, 'nginx.conf')
  writeFileSync(confPath, conf)
  let workers: number[] = []
  const child = track(spawn(bin, ['-p', dir, '-c', confPath, '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] }), 'nginx', 'SIGTERM', () => workers)
  const url = `http://127.0.0.1:${port}`
  await waitHttp(`${url}/v1/models`, child, 'nginx')
  workers = childPids(child.pid!)
  return { target: { name: 'nginx', url, pids: [child.pid!, ...workers] }, child }
}

async function waitHttp(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode}`)
    if (await fetch(url).then(r => r.ok, () => false))
      return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${name} did not answer ${url} within 10 s`)
}
