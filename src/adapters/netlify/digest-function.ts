// The Netlify Scheduled Function for the weekly digest, written only when site.yaml says weekly_digest:
// true. The core sends the digest once per ISO week however often this fires.

import { ROUTES } from '../../core/paths.ts';
import { callRoute } from './call-route.ts';

export default function weeklyDigest(): Promise<Response> {
  return callRoute(ROUTES.digest, 'weekly digest');
}
