// The hosted billing portal at /p/session/<id>: the fan's plan, switching to another tier or interval
// (only to the active prices the session's portal configuration lists, as on Stripe), cancelling now or
// at the period end with a reason (and taking that back), the card on file and past invoices, each shown
// only when the configuration turns that feature on. Plain HTML forms.
import { cancelSubscription, changePlan, itemsOf, periodEnd, quotePlanChange, setCancelAtPeriodEnd, switchPrice } from '../billing.ts';
import type { Engine } from '../engine.ts';
import { formatDate, formatMinor, formatPrice, type Recurring } from '../money.ts';
import { sessionConfiguration, switchablePrices } from '../resources/portal.ts';
import type { StripeObject } from '../state.ts';
import { html, notFound, page, redirect, type Html } from './html.ts';

interface Features {
  invoice_history: { enabled: boolean };
  payment_method_update: { enabled: boolean };
  subscription_cancel: { enabled: boolean; cancellation_reason: { enabled: boolean; options: string[] } };
}

const NO_FEATURES: Features = {
  invoice_history: { enabled: false },
  payment_method_update: { enabled: false },
  subscription_cancel: { enabled: false, cancellation_reason: { enabled: false, options: [] } },
};

function featuresOf(engine: Engine, portal: StripeObject): Features {
  return (sessionConfiguration(engine, portal)?.features as Features | undefined) ?? NO_FEATURES;
}

const REASON_TEXT: Record<string, string> = {
  too_expensive: "It's too expensive",
  missing_features: 'Some features are missing',
  switched_service: "I'm switching to a different service",
  unused: "I don't use it enough",
  customer_service: 'Customer service was less than expected',
  too_complex: 'Ease of use was less than expected',
  low_quality: 'Quality was less than expected',
  other: 'Other reason',
};

const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused']);

function subscriptionsOf(engine: Engine, customer: string): StripeObject[] {
  return engine.store.all('subscription').filter((subscription) => subscription.customer === customer && LIVE.has(String(subscription.status)));
}

function priceLabel(engine: Engine, price: StripeObject): string {
  const product = engine.store.get('product', String(price.product));
  return `${String(product?.name ?? 'Plan')}: ${formatPrice(Number(price.unit_amount), String(price.currency), price.recurring as Recurring)}`;
}

function switchOptions(engine: Engine, portal: StripeObject, current: StripeObject): StripeObject[] {
  const listed = switchablePrices(sessionConfiguration(engine, portal));
  return engine.store
    .all('price')
    .filter(
      (price) =>
        listed.has(price.id) &&
        price.active === true &&
        price.recurring !== null &&
        price.id !== current.id &&
        price.currency === current.currency,
    )
    .reverse();
}

const STATUS_TEXT: Record<string, string> = {
  active: 'Active',
  trialing: 'Trial',
  past_due: 'Past due',
  unpaid: 'Unpaid',
  incomplete: 'Incomplete',
  paused: 'Paused',
  canceled: 'Canceled',
};

function subscriptionCard(engine: Engine, portal: StripeObject, subscription: StripeObject): Html {
  const item = itemsOf(subscription)[0];
  const price = engine.store.require('price', String(item?.price));
  const product = engine.store.get('product', String(price.product));
  const status = String(subscription.status);
  const end = status === 'trialing' ? Number(subscription.trial_end) : periodEnd(subscription);
  const cancelAt = subscription.cancel_at as number | null;
  const when =
    cancelAt !== null
      ? html`<p><strong>Your membership ends on ${formatDate(cancelAt)}.</strong> You keep access until then.</p>`
      : status === 'trialing'
        ? html`<p>Your trial ends on ${formatDate(end)}; then ${formatPrice(Number(price.unit_amount), String(price.currency), price.recurring as Recurring)}.</p>`
        : status === 'past_due'
          ? html`<p>Your last payment failed. Update your card by paying the open invoice below.</p>`
          : html`<p>Renews on ${formatDate(end)}.</p>`;
  const action = (path: string, label: string, className: string, extra: Html | string = '', context = '') =>
    html`<form method="post" action="/p/session/${portal.id}/${path}"><input type="hidden" name="subscription" value="${subscription.id}">${extra}<button type="submit" class="${className}">${label}${context ? html`<span class="visually-hidden"> ${context}</span>` : ''}</button></form>`;
  const options = switchOptions(engine, portal, price);
  const features = featuresOf(engine, portal);
  const reasons = features.subscription_cancel.cancellation_reason;
  const reasonField =
    reasons.enabled && reasons.options.length > 0
      ? html`<label>Why are you cancelling? <select name="reason"><option value="">Choose a reason (optional)</option>${reasons.options.map((option) => html`<option value="${option}">${REASON_TEXT[option] ?? option}</option>`)}</select></label>`
      : '';
  return html`<section class="card" aria-labelledby="plan-${subscription.id}">
  <h2 id="plan-${subscription.id}">${String(product?.name ?? 'Membership')} <span class="status ${status}">${STATUS_TEXT[status] ?? status}</span></h2>
  <p class="amount">${formatMinor(Number(price.unit_amount), String(price.currency))} <small>per ${(price.recurring as Recurring).interval}</small></p>
  ${when}
  ${features.subscription_cancel.enabled
    ? html`<div class="actions">
    ${cancelAt !== null
      ? action('renew', "Don't cancel", 'secondary')
      : action('cancel', 'Cancel at end of period', 'secondary', html`<input type="hidden" name="when" value="period_end">${reasonField}`)}
    ${action('cancel', 'Cancel now', 'danger', html`<input type="hidden" name="when" value="now">${reasonField}`)}
  </div>`
    : ''}
  ${options.length > 0
    ? html`<h3>Change plan</h3><ul class="plain">${options.map(
        (option) => html`<li><span>${priceLabel(engine, option)}</span>${action('switch', 'Switch', 'secondary', html`<input type="hidden" name="price" value="${option.id}">`, `to ${priceLabel(engine, option)}`)}</li>`,
      )}</ul>`
    : ''}
</section>`;
}

const FLASH: Record<string, string> = {
  switched: 'Your plan has been changed.',
  canceled: 'Your membership has been canceled.',
  scheduled: 'Your membership will end at the end of the current period.',
  renewed: 'Your membership will continue.',
};

export function renderPortal(engine: Engine, portal: StripeObject, flash?: string): Response {
  const customer = engine.store.require('customer', String(portal.customer));
  const subscriptions = subscriptionsOf(engine, customer.id);
  const methods = engine.store.all('payment_method').filter((method) => method.customer === customer.id);
  const card = methods[0]?.card as { brand: string; last4: string; exp_month: number; exp_year: number } | undefined;
  const invoices = engine.store.all('invoice').filter((invoice) => invoice.customer === customer.id).slice(0, 12);
  const returnUrl = portal.return_url as string | null;
  const features = featuresOf(engine, portal);
  const body = html`<main>
  <p class="eyebrow">${String(customer.email ?? '')}</p>
  <h1>Manage your membership</h1>
  ${flash && FLASH[flash] ? html`<div class="alert ok" role="status">${FLASH[flash]}</div>` : ''}
  ${subscriptions.length > 0 ? subscriptions.map((subscription) => subscriptionCard(engine, portal, subscription)) : html`<section class="card"><h2>No active membership</h2><p class="muted">You have no current membership.</p></section>`}
  ${card && features.payment_method_update.enabled ? html`<section class="card" aria-labelledby="card-heading"><h2 id="card-heading">Payment method</h2><p>${card.brand.toUpperCase()} ending in ${card.last4}, expires ${String(card.exp_month).padStart(2, '0')}/${card.exp_year}</p></section>` : ''}
  ${invoices.length > 0 && features.invoice_history.enabled
    ? html`<section class="card" aria-labelledby="invoices-heading"><h2 id="invoices-heading">Invoice history</h2><ul class="plain">${invoices.map(
        (invoice) =>
          html`<li><span>${formatDate(Number(invoice.created))}</span><span>${formatMinor(Number(invoice.total), String(invoice.currency))}</span><span class="status ${String(invoice.status)}">${String(invoice.status)}</span><a href="/i/${invoice.id}">View<span class="muted"> invoice ${String(invoice.number)}</span></a></li>`,
      )}</ul></section>`
    : ''}
  ${returnUrl ? html`<a class="back" href="${returnUrl}">← Return to site</a>` : ''}
</main>`;
  return page('Manage your membership', body);
}

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

interface UpdateFlow {
  after_completion: { type: string; redirect: { return_url: string } | null; hosted_confirmation: { custom_message: string | null } | null };
  subscription_update_confirm: { subscription: string; items: { id: string; price: string; quantity: number }[] };
}

function updateFlowOf(portal: StripeObject): UpdateFlow | undefined {
  const flow = portal.flow as (UpdateFlow & { type: string }) | null;
  return flow?.type === 'subscription_update_confirm' ? flow : undefined;
}

/**
 * The deep-linked update confirmation (flow `subscription_update_confirm`): the current and the new plan,
 * what is due today (prorated) and what is charged from the next renewal, and one Confirm button.
 */
function renderUpdateConfirm(engine: Engine, portal: StripeObject, flow: UpdateFlow): Response {
  const customer = engine.store.require('customer', String(portal.customer));
  const returnUrl = portal.return_url as string | null;
  const back = returnUrl ? html`<a class="back" href="${returnUrl}">← Go back without changing</a>` : '';
  const { subscription: subscriptionId, items } = flow.subscription_update_confirm;
  const subscription = engine.store.get('subscription', subscriptionId);
  const item = subscription ? itemsOf(subscription).find((candidate) => candidate.id === items[0]!.id) : undefined;
  if (!subscription || !item || !LIVE.has(String(subscription.status))) {
    return page('Manage your membership', html`<main><h1>This change is no longer available</h1><p>The membership it would change has ended or changed.</p>${back}</main>`, { status: 409 });
  }
  const price = engine.store.require('price', items[0]!.price);
  const current = engine.store.require('price', item.price);
  if (current.id === price.id) {
    return page('Manage your membership', html`<main><h1>Your plan is up to date</h1><p>You are on ${priceLabel(engine, price)}.</p>${back}</main>`);
  }
  const quote = quotePlanChange(engine, subscription, item.id, price);
  const currency = String(price.currency);
  const recurring = price.recurring as Recurring;
  const today =
    subscription.status === 'trialing'
      ? html`<p>Due today: <strong>${formatMinor(0, currency)}</strong>. Your trial continues until ${formatDate(Number(subscription.trial_end))}; then ${formatPrice(Number(price.unit_amount), currency, recurring)}.</p>`
      : quote.sameInterval
        ? html`<p>Due today: <strong>${formatMinor(quote.dueNow, currency)}</strong>, prorated for the rest of this period (until ${formatDate(quote.periodEnd)}).</p><p>Then ${formatPrice(Number(price.unit_amount), currency, recurring)} from ${formatDate(quote.periodEnd)}.</p>`
        : html`<p>Due today: <strong>${formatMinor(quote.dueNow, currency)}</strong>; a new billing period starts today and renews on ${formatDate(quote.periodEnd)}.</p>`;
  const body = html`<main>
  <p class="eyebrow">${String(customer.email ?? '')}</p>
  <h1>Confirm your new plan</h1>
  <section class="card" aria-labelledby="confirm-heading">
    <h2 id="confirm-heading">${priceLabel(engine, price)}</h2>
    <p>Instead of ${priceLabel(engine, current)}.</p>
    ${today}
    <form method="post" action="/p/session/${portal.id}/confirm"><button type="submit">Confirm</button></form>
  </section>
  ${back}
</main>`;
  return page('Confirm your new plan', body);
}

export async function handlePortalPage(engine: Engine, request: Request, id: string, action: string | undefined): Promise<Response> {
  const portal = engine.store.get('billing_portal.session', id);
  if (!portal) return notFound('Billing portal session');
  const url = new URL(request.url);
  const flow = updateFlowOf(portal);
  if (flow) {
    if (request.method === 'GET' && action === undefined) return renderUpdateConfirm(engine, portal, flow);
    if (request.method !== 'POST' || action !== 'confirm') return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
    const { subscription: subscriptionId, items } = flow.subscription_update_confirm;
    const subscription = engine.store.get('subscription', subscriptionId);
    const item = subscription ? itemsOf(subscription).find((candidate) => candidate.id === items[0]!.id) : undefined;
    const price = engine.store.get('price', items[0]!.price);
    if (!subscription || !item || !price || !LIVE.has(String(subscription.status))) return renderUpdateConfirm(engine, portal, flow);
    if (item.price !== price.id) changePlan(engine, subscription, item.id, price);
    const after = flow.after_completion;
    if (after.type === 'redirect' && after.redirect) return redirect(after.redirect.return_url);
    if (after.type === 'hosted_confirmation') {
      return page('Manage your membership', html`<main><h1>Your plan has been changed</h1><p role="status">${after.hosted_confirmation?.custom_message ?? 'Your plan has been changed.'}</p>${portal.return_url ? html`<a class="back" href="${String(portal.return_url)}">← Return to site</a>` : ''}</main>`);
    }
    return renderPortal(engine, portal, 'switched');
  }
  if (request.method === 'GET' && action === undefined) return renderPortal(engine, portal, url.searchParams.get('done') ?? undefined);
  if (request.method !== 'POST') return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
  const form = await request.formData();
  const subscription = engine.store.get('subscription', field(form, 'subscription'));
  // A portal session only acts on its own customer's live subscriptions.
  if (!subscription || subscription.customer !== portal.customer || !LIVE.has(String(subscription.status))) {
    return renderPortal(engine, portal);
  }
  const back = (done: string) => redirect(`/p/session/${id}?done=${done}`);
  const features = featuresOf(engine, portal);
  switch (action) {
    case 'cancel': {
      if (!features.subscription_cancel.enabled) return renderPortal(engine, portal);
      const reasons = features.subscription_cancel.cancellation_reason;
      const reason = reasons.enabled && reasons.options.includes(field(form, 'reason')) ? field(form, 'reason') : null;
      // Stripe records the fan's answer on the subscription as `cancellation_details.feedback`.
      if (field(form, 'when') === 'now') {
        cancelSubscription(engine, subscription, 'cancellation_requested', { feedback: reason });
        return back('canceled');
      }
      setCancelAtPeriodEnd(engine, subscription, true, reason);
      return back('scheduled');
    }
    case 'renew':
      if (subscription.cancel_at !== null) setCancelAtPeriodEnd(engine, subscription, false);
      return back('renewed');
    case 'switch': {
      const item = itemsOf(subscription)[0];
      const current = engine.store.require('price', String(item?.price));
      const price = switchOptions(engine, portal, current).find((option) => option.id === field(form, 'price'));
      if (!item || !price) return renderPortal(engine, portal);
      switchPrice(engine, subscription, item.id, price);
      return back('switched');
    }
    default:
      return notFound('Page');
  }
}
