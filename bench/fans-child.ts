// Runs `npm run fans` (scripts/fans.ts) with the arguments given and reports its peak memory and CPU time on exit;
// spawned by bench/fans.ts so the dashboard gets a process of its own, as the creator's command does.
process.on('exit', () => {
  const usage = process.resourceUsage();
  console.error(`BENCH ${JSON.stringify({ maxRssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}`);
});
await import('../scripts/fans.ts');
export {};
