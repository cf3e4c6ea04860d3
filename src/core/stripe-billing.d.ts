// What `#billing` (package.json "imports") gives the edge entry files when TypeScript checks them: the
// Stripe billing as the core's factory type, without the stripe package's Node-typed declarations. Bundlers
// and Node take the "default" condition, src/billing/stripe/index.ts, which is itself typed `BillingFactory`
// by the main tsconfig, so the two cannot drift.

import type { BillingFactory } from './billing.ts';

export declare const createStripeBilling: BillingFactory;
