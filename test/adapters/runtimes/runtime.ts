// What a runner returns: a real runtime serving the site over HTTP on 127.0.0.1, and how long it took from
// starting the process (or isolate) to listening.

import { spawn } from 'node:child_process';

export interface Runtime {
  name: string;
  url: string;
  /** Milliseconds from spawning the process to it saying it listens. */
  startupMs: number;
  stop(): Promise<void>;
  /** Dispatches a Cron Trigger's scheduled event, where the runtime has them (workerd). */
  scheduled?(cron: string): Promise<void>;
}

export interface RuntimeSite {
  root: string;
  dist: string;
}

export type StartRuntime = (site: RuntimeSite, env: Record<string, string>) => Promise<Runtime>;

/** The environment a child runtime gets: what it needs to run, and the site's variables, nothing else. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'DENO_DIR'];
  return { ...Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : []))), ...env };
}

/** Spawns a runtime and resolves once a stdout line yields its URL. */
export function spawnRuntime(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  urlFrom: (line: string) => string | undefined,
  timeoutMs = 30_000,
): Promise<Runtime> {
  const started = performance.now();
  const child = spawn(command, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<Runtime>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      for (const line of output.split('\n')) {
        const url = urlFrom(line);
        if (!url) continue;
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({
          name,
          url,
          startupMs: performance.now() - started,
          async stop() {
            if (child.exitCode === null) child.kill('SIGTERM');
            const force = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(force);
          },
        });
        return;
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
}

export const jsonUrl = (line: string): string | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    return (JSON.parse(line) as { url?: string }).url;
  } catch {
    return undefined;
  }
};
