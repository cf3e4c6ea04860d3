// The stand-in's home page, for people running the demo by hand: the clock (with buttons to move it
// forward, as Stripe's test clocks do), the fans and their subscriptions, and recent events and webhooks.
import { itemsOf, periodEnd } from '../billing.ts';
import type { Engine } from '../engine.ts';
import { newId } from '../ids.ts';
import { formatMinor, formatPrice, type Recurring } from '../money.ts';
import { openDispute } from '../resources/charges.ts';
import { portalSessionShape } from '../shapes.ts';
import type { DeliveryRecord } from '../webhooks.ts';
import { html, page, redirect } from './html.ts';

const STEPS: [string, number][] = [
  ['1 hour', 3600],
  ['1 day', 86_400],
  ['7 days', 7 * 86_400],
  ['1 month (31 days)', 31 * 86_400],
  ['1 year (366 days)', 366 * 86_400],
];

function when(sec: number): string {
  return new Date(sec * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function renderDashboard(engine: Engine, sent: readonly DeliveryRecord[]): Response {
  const deliveries = new Map(sent.map((record) => [record.id, record]));
  const customers = engine.store.all('customer').slice(0, 50);
  const events = engine.store.all('event').slice(0, 25);
  const charges = engine.store.all('charge').slice(0, 20);
  const body = html`<main>
  <h1>Local Stripe stand-in</h1>
  <p class="muted">Stripe's API under <code>/v1</code> for truefans' development, demo and tests, with hosted checkout, billing portal and invoices.</p>
  <section class="card" aria-labelledby="clock-heading">
    <h2 id="clock-heading">Test clock</h2>
    <p>Now: <strong>${when(engine.clock.nowSec())}</strong></p>
    <p class="muted">Moving the clock forward runs what falls due: renewals, trial ends, cancellations at the period end, failed-payment retries. Webhooks are sent for each.</p>
    <div class="actions">${STEPS.map(
      ([label, seconds]) => html`<form method="post" action="/clock"><input type="hidden" name="seconds" value="${seconds}"><button type="submit" class="secondary">+ ${label}</button></form>`,
    )}</div>
  </section>
  <section class="card" aria-labelledby="fans-heading">
    <h2 id="fans-heading">Customers</h2>
    ${customers.length === 0
      ? html`<p class="muted">None yet.</p>`
      : html`<ul class="plain">${customers.map((customer) => {
          const subscriptions = engine.store.all('subscription').filter((subscription) => subscription.customer === customer.id);
          return html`<li><span><strong>${String(customer.email ?? customer.id)}</strong><br><span class="muted">${subscriptions.map((subscription) => {
            const price = engine.store.get('price', String(itemsOf(subscription)[0]?.price));
            const plan = price ? formatPrice(Number(price.unit_amount), String(price.currency), price.recurring as Recurring) : '';
            return html`${plan} · <span class="status ${String(subscription.status)}">${String(subscription.status)}</span> until ${when(periodEnd(subscription))}${subscription.cancel_at ? ' (cancels)' : ''}<br>`;
          })}</span></span><form method="post" action="/portal"><input type="hidden" name="customer" value="${customer.id}"><button type="submit" class="secondary">Open portal<span class="visually-hidden"> for ${String(customer.email ?? customer.id)}</span></button></form></li>`;
        })}</ul>`}
  </section>
  <section class="card" aria-labelledby="payments-heading">
    <h2 id="payments-heading">One-time payments</h2>
    <p class="muted">A dispute is what a fan's bank opens when the fan says they did not make a payment; Stripe takes the money back. Refunds are made through the API (<code>POST /v1/refunds</code>).</p>
    ${charges.length === 0
      ? html`<p class="muted">None yet.</p>`
      : html`<ul class="plain">${charges.map((charge) => {
          const state = charge.disputed ? 'disputed' : charge.refunded ? 'refunded' : Number(charge.amount_refunded) > 0 ? 'partly refunded' : 'paid';
          return html`<li><span><strong>${formatMinor(Number(charge.amount), String(charge.currency))}</strong> <span class="muted">${String((charge.billing_details as { email?: string | null }).email ?? charge.customer ?? '')} · ${state}</span></span>${charge.disputed ? '' : html`<form method="post" action="/dispute"><input type="hidden" name="charge" value="${charge.id}"><button type="submit" class="secondary">Open a dispute<span class="visually-hidden"> on ${charge.id}</span></button></form>`}</li>`;
        })}</ul>`}
  </section>
  <section class="card" aria-labelledby="events-heading">
    <h2 id="events-heading">Recent events</h2>
    ${events.length === 0
      ? html`<p class="muted">None yet.</p>`
      : html`<ul class="plain">${events.map((event) => {
          const delivery = deliveries.get(event.id);
          return html`<li><span><code>${String(event.type)}</code> <span class="muted">${when(Number(event.created))}</span></span><span class="muted">${delivery ? `webhook ${delivery.status} after ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}` : engine.target ? 'webhook queued' : 'no webhook endpoint'}</span></li>`;
        })}</ul>`}
  </section>
</main>`;
  return page('Local Stripe stand-in', body);
}

/** Only forms from the stand-in's own pages may move its clock or open a portal. */
function sameOrigin(engine: Engine, request: Request): boolean {
  const origin = request.headers.get('origin');
  return origin === null || origin === new URL(engine.baseUrl).origin;
}

export async function handleDashboardAction(
  engine: Engine,
  request: Request,
  action: 'clock' | 'portal' | 'dispute',
  advance: (seconds: number) => Promise<void>,
): Promise<Response> {
  if (request.method !== 'POST' || !sameOrigin(engine, request)) return new Response('Forbidden', { status: 403 });
  const form = await request.formData();
  if (action === 'clock') {
    const seconds = Number(form.get('seconds'));
    if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 5 * 366 * 86_400) return new Response('Bad request', { status: 400 });
    await advance(seconds);
    return redirect('/');
  }
  if (action === 'dispute') {
    const charge = engine.store.get('charge', String(form.get('charge')));
    if (!charge) return new Response('Not found', { status: 404 });
    if (charge.disputed !== true) openDispute(engine, charge);
    return redirect('/');
  }
  const customer = engine.store.get('customer', String(form.get('customer')));
  if (!customer) return new Response('Not found', { status: 404 });
  // The portal as the fan would see it: the default configuration, else the newest active one (the one
  // `npm run stripe:sync` made); without any, Stripe would refuse a session too.
  const configurations = engine.store.all('billing_portal.configuration').filter((c) => c.active === true);
  const configuration = configurations.find((c) => c.is_default === true) ?? configurations[0];
  if (!configuration) return new Response('No portal configuration yet: run `npm run stripe:sync` against the stand-in first.', { status: 409 });
  const id = newId('bps');
  engine.store.put(portalSessionShape({ now: engine.now(), id, customer: customer.id, returnUrl: `${engine.baseUrl}/`, url: `${engine.baseUrl}/p/session/${id}`, locale: null, configuration: configuration.id }));
  return redirect(`/p/session/${id}`);
}
