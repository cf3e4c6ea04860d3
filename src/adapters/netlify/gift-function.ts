// The Netlify Scheduled Function for gifts emailed on a date, written only when site.yaml has gifts on.
// Once a day the core sends what is due, each gift once (a mark on its Checkout Session), however often
// this fires.

import { GIFT_ROUTES } from '../../core/paths.ts';
import { callRoute } from './call-route.ts';

export default function deliverGifts(): Promise<Response> {
  return callRoute(GIFT_ROUTES.deliver, 'gift delivery');
}
