// `npm test`. Many tests start real processes (the CLIs, tsc, Astro builds, workerd, Deno) that take
// seconds on a busy two-core machine; a test's timeout is there to catch a hang, not to time it (speed is
// measured in bench/, side by side), so it is generous.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
