// `npm run test:stripe`: the Stripe-facing contract alone, against Stripe's test mode when STRIPE_SECRET_KEY
// is a secret test key and against the local stand-in otherwise (backends.ts decides, and refuses live keys
// before anything runs). Real Stripe answers over the network and lags in places, hence the longer limits.
import { defineConfig } from 'vitest/config';
import { chooseBackend } from './backends.ts';

const real = chooseBackend(process.env).kind === 'stripe';

export default defineConfig({
  test: {
    include: ['test/stripe-contract/**/*.contract.ts'],
    testTimeout: real ? 180_000 : 20_000,
    hookTimeout: real ? 180_000 : 20_000,
    // One account, one run: the files share nothing, but real Stripe's rate limits prefer one at a time.
    fileParallelism: false,
  },
});
