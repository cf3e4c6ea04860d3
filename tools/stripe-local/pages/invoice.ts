// The hosted invoice page at /i/<invoice id>: what was billed, and for an open (failed) invoice a card
// form that pays it with a new card, which also becomes the subscription's card, as on Stripe.
import { retryOpenInvoice } from '../billing.ts';
import { checkCard } from '../cards.ts';
import type { Engine } from '../engine.ts';
import { formatDate, formatMinor } from '../money.ts';
import { paymentMethodShape } from '../shapes.ts';
import type { StripeObject } from '../state.ts';
import { html, notFound, page, redirect } from './html.ts';

function render(invoice: StripeObject, error?: string, status = 200): Response {
  const currency = String(invoice.currency);
  const lines = (invoice.lines as { data: StripeObject[] }).data;
  const open = invoice.status === 'open';
  const body = html`<main>
  <p class="eyebrow">Invoice ${String(invoice.number)}</p>
  <h1>${formatMinor(Number(invoice.amount_due), currency)} ${open ? 'due' : ''}</h1>
  <p><span class="status ${String(invoice.status)}">${String(invoice.status)}</span> · ${formatDate(Number(invoice.created))}</p>
  <section class="card"><table class="lines"><caption>Items</caption>
    ${lines.map((line) => html`<tr><th scope="row">${String(line.description)}</th><td>${formatMinor(Number(line.amount), currency)}</td></tr>`)}
    <tr class="total"><th scope="row">Total</th><td>${formatMinor(Number(invoice.total), currency)}</td></tr>
  </table></section>
  ${open
    ? html`<section class="card" aria-labelledby="pay-heading"><h2 id="pay-heading">Pay with a card</h2>
    ${error ? html`<div class="alert error" role="alert" id="form-error">${error}</div>` : ''}
    <form method="post" action="/i/${invoice.id}/pay" novalidate>
      <label for="card_number">Card number</label>
      <input type="text" id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required${error ? html` aria-describedby="form-error"` : ''}>
      <div class="card-fields">
        <div><label for="card_expiry">Expiry (MM / YY)</label><input type="text" id="card_expiry" name="card_expiry" autocomplete="cc-exp" required></div>
        <div><label for="card_cvc">CVC</label><input type="text" id="card_cvc" name="card_cvc" autocomplete="cc-csc" required></div>
      </div>
      <button type="submit" class="wide">Pay ${formatMinor(Number(invoice.amount_remaining), currency)}</button>
    </form></section>`
    : ''}
</main>`;
  return page(`Invoice ${String(invoice.number)}`, body, { status });
}

export async function handleInvoicePage(engine: Engine, request: Request, id: string, action: string | undefined): Promise<Response> {
  const invoice = engine.store.get('invoice', id);
  if (!invoice) return notFound('Invoice');
  if (request.method === 'GET' && action === undefined) return render(invoice);
  if (request.method !== 'POST' || action !== 'pay') return notFound('Page');
  if (invoice.status !== 'open') return redirect(`/i/${id}`);
  const form = await request.formData();
  const value = (name: string) => {
    const raw = form.get(name);
    return typeof raw === 'string' ? raw : '';
  };
  const check = checkCard({ number: value('card_number'), expiry: value('card_expiry'), cvc: value('card_cvc') }, engine.now());
  if (!check.ok) return render(invoice, check.message, 400);
  if (check.card.outcome.decline) return render(invoice, check.card.outcome.decline.message, 402);
  const parent = invoice.parent as { subscription_details: { subscription: string } };
  const subscription = engine.store.require('subscription', parent.subscription_details.subscription);
  const customer = engine.store.require('customer', String(invoice.customer));
  const method = paymentMethodShape({
    now: engine.now(),
    customer: customer.id,
    email: String(customer.email ?? ''),
    name: (customer.name as string | null) ?? null,
    brand: check.card.brand,
    last4: check.card.last4,
    expMonth: check.card.expMonth,
    expYear: check.card.expYear,
  });
  engine.store.put(method);
  engine.store.data.cards[method.id] = { failsLater: check.card.outcome.failsLater === true };
  subscription.default_payment_method = method.id;
  engine.store.put(subscription);
  const paid = retryOpenInvoice(engine, invoice);
  if (!paid) return render(invoice, 'Your card was declined.', 402);
  return redirect(`/i/${id}`);
}
