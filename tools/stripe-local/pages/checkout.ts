// The hosted checkout page at /c/pay/<session id>: what is bought, for how much and how often, any trial
// and discount; email, promotion code, amount (pay what you want) and card fields. Plain HTML forms.
import type { Engine } from '../engine.ts';
import { formatMinor, formatPrice, formatTrial, type Recurring } from '../money.ts';
import { chargeableDecimals, fromMinorUnits, minimumCharge } from '../../../src/core/money.ts';
import { applyPromotionCode, completeSession, sessionLineItems, sessionTrialDays, type PaymentForm } from '../resources/checkout.ts';
import type { StripeObject } from '../state.ts';
import { html, markdownText, notFound, page, redirect, type Html } from './html.ts';

interface FormState {
  values: Partial<Record<'email' | 'name' | 'card_expiry' | 'amount' | 'promotion_code' | `custom_${string}`, string>>;
  error?: { field: string; message: string } | undefined;
  promoError?: string | undefined;
}

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

function describePrice(price: StripeObject): string {
  const custom = price.custom_unit_amount as { preset: number | null } | null;
  if (custom) return 'Pay what you want';
  return formatPrice(Number(price.unit_amount), String(price.currency), price.recurring as Recurring | null);
}

/** The one error message sits above the form (role=alert); the field it is about points at it. */
function invalid(state: FormState, name: string): Html | string {
  return state.error?.field === name ? html` aria-invalid="true" aria-describedby="form-error"` : '';
}

function summary(engine: Engine, session: StripeObject, state: FormState): Html {
  const items = sessionLineItems(engine, session);
  const currency = String(session.currency);
  const first = items[0];
  const firstPrice = first ? engine.store.require('price', String(first.price)) : undefined;
  const product = firstPrice ? engine.store.get('product', String(firstPrice.product)) : undefined;
  const trialDays = session.mode === 'subscription' ? sessionTrialDays(engine, session) : null;
  const recurring = (firstPrice?.recurring ?? null) as Recurring | null;
  const custom = firstPrice?.custom_unit_amount as { preset: number | null } | null | undefined;
  const perPeriod = items.reduce((sum, item) => {
    const price = engine.store.require('price', String(item.price));
    return sum + Number(price.unit_amount ?? 0) * Number(item.quantity);
  }, 0);
  const discount = (session.total_details as { amount_discount: number }).amount_discount;
  const promo = (session.discounts as { promotion_code: string | null }[])[0]?.promotion_code;
  const promoCode = promo ? String(engine.store.get('promotion_code', promo)?.code ?? '') : '';
  const headline = custom
    ? html`<p class="amount">Pay what you want</p>`
    : html`<p class="amount">${formatMinor(perPeriod, currency)}${recurring ? html` <small>per ${recurring.interval_count === 1 ? recurring.interval : `${recurring.interval_count} ${recurring.interval}s`}</small>` : ''}</p>`;
  const trialLine = trialDays ? html`<p class="trial">${formatTrial(trialDays)}, then ${formatPrice(perPeriod - discount, currency, recurring)}</p>` : '';
  const total = session.amount_total as number | null;
  return html`<section aria-labelledby="product-name">
  <p class="eyebrow">${session.mode === 'subscription' ? 'Subscribe to' : 'Pay for'}</p>
  <h1 id="product-name">${String(product?.name ?? 'Your order')}</h1>
  ${product?.description ? html`<p class="muted">${String(product.description)}</p>` : ''}
  ${headline}
  ${trialLine}
  <table class="lines">
    <caption>Order summary</caption>
    ${items.map((item) => {
      const price = engine.store.require('price', String(item.price));
      return html`<tr><th scope="row">${String(item.description)}${Number(item.quantity) > 1 ? ` × ${item.quantity}` : ''}</th><td>${describePrice(price)}</td></tr>`;
    })}
    ${discount > 0 ? html`<tr><th scope="row">Discount (${promoCode})</th><td>−${formatMinor(discount, currency)}${recurring ? ' ' + describeDuration(engine, session) : ''}</td></tr>` : ''}
    <tr class="total"><th scope="row">${trialDays ? 'Total due today' : 'Total'}</th><td>${total === null ? '—' : formatMinor(total, currency)}</td></tr>
  </table>
  ${session.allow_promotion_codes ? promotionForm(session, state, promoCode) : ''}
</section>`;
}

function describeDuration(engine: Engine, session: StripeObject): string {
  const coupon = (session.discounts as { coupon: string | null }[])[0]?.coupon;
  const found = coupon ? engine.store.get('coupon', coupon) : undefined;
  if (!found) return '';
  if (found.duration === 'forever') return 'every time';
  if (found.duration === 'once') return 'on the first payment';
  return `for ${String(found.duration_in_months)} months`;
}

function promotionForm(session: StripeObject, state: FormState, applied: string): Html {
  return html`<form method="post" action="/c/pay/${session.id}/promotion" class="card" aria-label="Promotion code">
  <label for="promotion_code">Promotion code</label>
  <div class="inline">
    <input type="text" id="promotion_code" name="promotion_code" autocomplete="off" value="${state.values.promotion_code ?? applied}"${state.promoError ? html` aria-invalid="true" aria-describedby="promotion_code-error"` : ''}>
    <button type="submit" class="secondary">${applied ? 'Update' : 'Apply'}</button>
  </div>
  ${state.promoError ? html`<p class="field-error" id="promotion_code-error">${state.promoError}</p>` : ''}
  ${applied && !state.promoError ? html`<p class="muted">Code ${applied} applied. Clear the field and press Update to remove it.</p>` : ''}
</form>`;
}

/** The session's custom text (custom_text[submit] above the pay button, [after_submit] below it). */
function customText(session: StripeObject, key: 'submit' | 'after_submit'): Html | string {
  const message = (session.custom_text as Record<string, { message: string } | null> | null)?.[key]?.message;
  return message ? html`<p class="hint custom-text" data-custom-text="${key}">${markdownText(message)}</p>` : '';
}

/** The session's custom text fields (custom_fields), each labelled as Stripe's page does, "(optional)" when it is. */
function customFields(session: StripeObject, state: FormState): Html | string {
  const fields = (session.custom_fields ?? []) as { key: string; label: { custom: string }; optional: boolean; text: { maximum_length: number | null; default_value: string | null } }[];
  if (!fields.length) return '';
  return html`${fields.map(
    (f) => html`<label for="custom_${f.key}">${f.label.custom}${f.optional ? html` <span class="hint">(optional)</span>` : ''}</label>
    <input type="text" id="custom_${f.key}" name="custom_${f.key}"${f.text.maximum_length ? html` maxlength="${String(f.text.maximum_length)}"` : ''}${f.optional ? '' : ' required'} value="${state.values[`custom_${f.key}`] ?? f.text.default_value ?? ''}"${invalid(state, `custom_${f.key}`)}>`,
  )}`;
}

function paymentForm(engine: Engine, session: StripeObject, state: FormState): Html {
  const customerId = session.customer as string | null;
  const customer = customerId ? engine.store.get('customer', customerId) : undefined;
  const knownEmail = (customer?.email as string | null) ?? (session.customer_email as string | null);
  const items = sessionLineItems(engine, session);
  const custom = items
    .map((item) => engine.store.require('price', String(item.price)).custom_unit_amount as { minimum: number | null; maximum: number | null; preset: number | null } | null)
    .find((value) => value);
  const currency = String(session.currency);
  const trialDays = session.mode === 'subscription' ? sessionTrialDays(engine, session) : null;
  const label = session.mode === 'subscription' ? (trialDays ? 'Start trial' : 'Subscribe') : session.amount_total ? `Pay ${formatMinor(Number(session.amount_total), currency)}` : 'Pay';
  const presetAmount = custom?.preset ? fromMinorUnits(custom.preset, currency).toFixed(chargeableDecimals(currency)) : '';
  return html`<section aria-labelledby="pay-heading">
  <h2 id="pay-heading">${session.mode === 'subscription' ? 'Pay with card' : 'Payment details'}</h2>
  ${state.error ? html`<div class="alert error" role="alert" id="form-error">${state.error.message}</div>` : ''}
  <form method="post" action="/c/pay/${session.id}" class="card" novalidate>
    <label for="email">Email</label>
    ${knownEmail
      ? html`<input type="email" id="email" name="email" value="${knownEmail}" readonly autocomplete="email">`
      : html`<input type="email" id="email" name="email" value="${state.values.email ?? ''}" required autocomplete="email"${invalid(state, 'email')}>`}
    ${custom
      ? html`<label for="amount">Amount <span class="hint">(${currency.toUpperCase()}${custom.minimum ? `, at least ${formatMinor(Math.max(custom.minimum, minimumCharge(currency) ?? 50), currency)}` : ''}${custom.maximum ? `, at most ${formatMinor(custom.maximum, currency)}` : ''})</span></label>
    <input type="text" id="amount" name="amount" inputmode="decimal" required value="${state.values.amount ?? presetAmount}"${invalid(state, 'amount')}>`
      : ''}
    <fieldset>
      <legend>Card information</legend>
      <div class="card-fields">
        <div class="full">
          <label for="card_number">Card number</label>
          <input type="text" id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" required${invalid(state, 'card_number')}>
          
        </div>
        <div>
          <label for="card_expiry">Expiry (MM / YY)</label>
          <input type="text" id="card_expiry" name="card_expiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" value="${state.values.card_expiry ?? ''}" required${invalid(state, 'card_expiry')}>
          
        </div>
        <div>
          <label for="card_cvc">CVC</label>
          <input type="text" id="card_cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" required${invalid(state, 'card_cvc')}>
          
        </div>
      </div>
    </fieldset>
    <label for="name">Name on card</label>
    <input type="text" id="name" name="name" autocomplete="cc-name" value="${state.values.name ?? (customer?.name as string | null) ?? ''}">
    ${customFields(session, state)}
    ${customText(session, 'submit')}
    <button type="submit" class="wide">${label}</button>
    ${customText(session, 'after_submit')}
  </form>
  ${session.mode === 'payment'
    ? html`<form method="post" action="/c/pay/${session.id}/bank" class="card" novalidate aria-labelledby="bank-heading">
    <h3 id="bank-heading">Or pay by bank debit (SEPA, test)</h3>
    <p class="hint">The payment completes now and settles a few minutes later on the stand-in's clock, as a real bank debit does.</p>
    <label for="bank_email">Email</label>
    ${knownEmail
      ? html`<input type="email" id="bank_email" name="email" value="${knownEmail}" readonly autocomplete="email">`
      : html`<input type="email" id="bank_email" name="email" value="${state.values.email ?? ''}" required autocomplete="email">`}
    ${custom ? html`<label for="bank_amount">Amount (${currency.toUpperCase()})</label><input type="text" id="bank_amount" name="amount" inputmode="decimal" required value="${state.values.amount ?? presetAmount}">` : ''}
    <label for="iban">IBAN</label>
    <input type="text" id="iban" name="iban" autocomplete="off" placeholder="AT61 1904 3002 3457 3201" required${invalid(state, 'iban')}>
    <label for="bank_name">Account holder</label>
    <input type="text" id="bank_name" name="name" autocomplete="name" value="${state.values.name ?? ''}">
    <button type="submit" class="wide secondary">Pay by bank debit</button>
  </form>`
    : ''}
  ${session.cancel_url ? html`<a class="back" href="${String(session.cancel_url)}">← Cancel and go back</a>` : ''}
  <footer>Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined; 4000 0000 0000 0341 pays now and fails later renewals; 4000 0000 0000 0259 pays, then is disputed. Any future expiry and any CVC.</footer>
</section>`;
}

export function renderCheckout(engine: Engine, session: StripeObject, state: FormState = { values: {} }, status = 200): Response {
  if (session.status === 'complete') {
    const success = session.success_url ? String(session.success_url).replaceAll('{CHECKOUT_SESSION_ID}', session.id) : null;
    return page('Payment complete', html`<main><h1>Thanks, you're all set</h1><p>This checkout is complete.</p>${success ? html`<p><a href="${success}">Continue</a></p>` : ''}</main>`);
  }
  if (session.status === 'expired') {
    return page('Checkout expired', html`<main><h1>This checkout has expired</h1><p class="muted">Start again from the site.</p>${session.cancel_url ? html`<p><a href="${String(session.cancel_url)}">Go back</a></p>` : ''}</main>`, { status: 410 });
  }
  const body = html`<main class="columns">${summary(engine, session, state)}${paymentForm(engine, session, state)}</main>`;
  return page(`Checkout: ${sessionTitle(engine, session)}`, body, { status });
}

function sessionTitle(engine: Engine, session: StripeObject): string {
  const first = sessionLineItems(engine, session)[0];
  return String(first?.description ?? 'Checkout');
}

export async function handleCheckoutPage(engine: Engine, request: Request, id: string, action: string | undefined): Promise<Response> {
  const session = engine.store.get('checkout.session', id);
  if (!session) return notFound('Checkout session');
  if (request.method === 'GET' && action === undefined) return renderCheckout(engine, session);
  if (request.method !== 'POST') return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
  const form = await request.formData();
  if (action === 'promotion') {
    if (session.status !== 'open' || !session.allow_promotion_codes) return redirect(`/c/pay/${id}`);
    const code = field(form, 'promotion_code');
    const problem = applyPromotionCode(engine, session, code);
    if (problem) return renderCheckout(engine, session, { values: { promotion_code: code }, promoError: problem }, 400);
    return redirect(`/c/pay/${id}`);
  }
  if (action !== undefined && action !== 'bank') return notFound('Page');
  const input: PaymentForm = {
    email: field(form, 'email'),
    name: field(form, 'name'),
    cardNumber: field(form, 'card_number'),
    expiry: field(form, 'card_expiry'),
    cvc: field(form, 'card_cvc'),
    amount: form.has('amount') ? field(form, 'amount') : undefined,
    iban: action === 'bank' ? field(form, 'iban') : undefined,
    customFields: Object.fromEntries([...form.keys()].filter((k) => k.startsWith('custom_')).map((k) => [k.slice('custom_'.length), field(form, k)])),
  };
  const result = completeSession(engine, session, input);
  if (result.ok) {
    return result.redirect ? redirect(result.redirect) : renderCheckout(engine, session);
  }
  // Keep what the fan typed, except the card itself, as Stripe's page does after a decline.
  return renderCheckout(
    engine,
    session,
    { values: { email: input.email, name: input.name, card_expiry: input.expiry, amount: input.amount, ...Object.fromEntries(Object.entries(input.customFields ?? {}).map(([k, v]) => [`custom_${k}`, v])) }, error: { field: result.field, message: result.message } },
    result.status,
  );
}
