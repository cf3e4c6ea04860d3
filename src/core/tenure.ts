// A fan's time with the site, and why they left, in words: shared by the creator's notes (the webhook)
// and the dashboard (src/fans/figures.ts), so the two never count or word it differently.

/** Whole calendar months from one time to another (seconds), as a fan counts them: Jan 15 to Feb 15 is one. */
export function wholeMonths(from: number, to: number): number {
  const a = new Date(from * 1000);
  const b = new Date(to * 1000);
  let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  if (b.getUTCDate() < a.getUTCDate() || (b.getUTCDate() === a.getUTCDate() && b.getTime() % 86_400_000 < a.getTime() % 86_400_000)) months -= 1;
  return Math.max(0, months);
}

/** "14 months", "3 days", "2 years": how long a stay was, for a sentence. */
export function tenureText(from: number, to: number): string {
  const months = wholeMonths(from, to);
  if (months >= 24) return `${Math.floor(months / 12)} years`;
  if (months >= 1) return months === 1 ? '1 month' : `${months} months`;
  const days = Math.max(1, Math.floor((to - from) / 86_400));
  return days === 1 ? '1 day' : `${days} days`;
}

/** Stripe's `cancellation_details.feedback` values (the billing portal's choices), in words. */
const FEEDBACK: Record<string, string> = {
  too_expensive: 'Too expensive',
  unused: 'Not using it enough',
  missing_features: 'Missing something they wanted',
  switched_service: 'Switched to something else',
  too_complex: 'Too complicated',
  low_quality: 'Quality was not good enough',
  customer_service: 'Customer service',
  other: 'Other reason',
};

/** Why a subscription ended: the fan's choice, else Stripe's reason, else that no reason was given. */
export function cancellationReason(details: { feedback: string | null | undefined; reason: string | null | undefined }): string {
  const { feedback, reason } = details;
  if (feedback) return FEEDBACK[feedback] ?? feedback;
  if (reason === 'payment_failed') return 'Payment failed';
  if (reason === 'payment_disputed') return 'Payment disputed';
  return 'No reason given';
}
