// Checkout through the real `stripe` package and the hosted page: paying, declines, trials, promotion
// codes, pay-what-you-want and one-time payments.
import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StandIn } from '../../../../tools/stripe-local/index.ts';
import { DAY, T0, makeTier, pay, postForm, freshForEachTest } from '../helpers.ts';
import { lookupKey } from '../../../../src/core/manifest.ts';

let standIn: StandIn;
let stripe: Stripe;

freshForEachTest((world) => ({ standIn, stripe } = world));

describe('hosted checkout', () => {
  it('creates a subscription session, pays with 4242 and redirects with the session id', async () => {
    const { year } = await makeTier(stripe);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: year.id, quantity: 1 }],
      success_url: 'https://fan.example/welcome?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://fan.example/posts/hello/',
      allow_promotion_codes: true,
      client_reference_id: 'nonce-123',
      metadata: { tier: 'supporter' },
    });
    expect(session.status).toBe('open');
    expect(session.url).toBe(`${standIn.url}/c/pay/${session.id}`);
    expect(session.amount_total).toBe(7000);

    const page = await fetch(session.url!);
    const text = await page.text();
    expect(page.status).toBe(200);
    expect(text).toContain('Supporter');
    expect(text).toContain('$70.00');
    expect(text).toContain('per year');
    expect(text).toContain('name="promotion_code"');
    expect(text).toContain('href="https://fan.example/posts/hello/"');

    const paid = await pay(session);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`https://fan.example/welcome?session_id=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription', 'line_items'] });
    expect(done.status).toBe('complete');
    expect(done.payment_status).toBe('paid');
    expect(done.client_reference_id).toBe('nonce-123');
    expect(done.success_url).toBe('https://fan.example/welcome?session_id={CHECKOUT_SESSION_ID}');
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription.status).toBe('active');
    expect(subscription.items.data[0]?.price.id).toBe(year.id);
    expect(subscription.items.data[0]?.current_period_start).toBe(T0 / 1000);
    expect(subscription.items.data[0]?.current_period_end).toBe(Date.UTC(2027, 2, 1, 12) / 1000);
    expect(done.line_items?.data[0]?.price?.lookup_key).toBe(lookupKey.tier('supporter', 'year'));
    expect(done.customer_details?.email).toBe('fan@example.com');

    const customer = await stripe.customers.retrieve(String(done.customer));
    expect((customer as Stripe.Customer).email).toBe('fan@example.com');
    const invoices = await stripe.invoices.list({ customer: String(done.customer) });
    expect(invoices.data).toHaveLength(1);
    expect(invoices.data[0]?.status).toBe('paid');
    expect(invoices.data[0]?.amount_paid).toBe(7000);
  });

  it('shows "Your card was declined." for 4000 0000 0000 0002, keeps the form, and creates nothing', async () => {
    const { month } = await makeTier(stripe);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: month.id, quantity: 1 }],
      success_url: 'https://fan.example/ok',
    });
    const response = await pay(session, { card: '4000 0000 0000 0002', email: 'declined@example.com', name: 'Dee Klined' });
    expect(response.status).toBe(402);
    const text = await response.text();
    expect(text).toContain('Your card was declined.');
    expect(text).toContain('value="declined@example.com"');
    expect(text).toContain('value="Dee Klined"');
    expect(text).toContain('value="12 / 34"');
    expect(text).toMatch(/<input[^>]*name="card_number"[^>]*>/);
    expect(text).not.toMatch(/<input[^>]*name="card_number"[^>]*value=/);
    expect(text).not.toMatch(/<input[^>]*name="card_cvc"[^>]*value=/);
    expect((await stripe.customers.list({ email: 'declined@example.com' })).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(0);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('starts a trial: trialing, nothing charged, "7 days free, then $70.00/year"', async () => {
    const { year } = await makeTier(stripe);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: year.id, quantity: 1 }],
      subscription_data: { trial_period_days: 7, metadata: { tier: 'supporter' } },
      success_url: 'https://fan.example/ok?cs={CHECKOUT_SESSION_ID}',
    });
    const text = await (await fetch(session.url!)).text();
    expect(text).toContain('7 days free, then $70.00/year');
    expect(text).toContain('Start trial');
    expect((await pay(session)).status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    expect(done.payment_status).toBe('no_payment_required');
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription.status).toBe('trialing');
    expect(subscription.trial_end).toBe(T0 / 1000 + 7 * DAY);
    expect(subscription.metadata).toEqual({ tier: 'supporter' });
  });

  it('makes a new customer for every subscription checkout, even with the same email (as Stripe does)', async () => {
    const { month, year } = await makeTier(stripe);
    const made: string[] = [];
    for (const [price, email] of [[month, 'twice@example.com'], [year, 'Twice@Example.com']] as const) {
      const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
      await pay(session, { email });
      made.push(String((await stripe.checkout.sessions.retrieve(session.id)).customer));
    }
    expect(new Set(made).size).toBe(2);
    // Checkout keeps the address as typed; `list({ email })` compares exactly.
    expect((await stripe.customers.list({ email: 'twice@example.com' })).data.map((c) => c.id)).toEqual([made[0]]);
    expect((await stripe.customers.list({ email: 'Twice@Example.com' })).data.map((c) => c.id)).toEqual([made[1]]);
    for (const id of made) expect((await stripe.subscriptions.list({ customer: id })).data).toHaveLength(1);
  });

  it('buys as the given customer when `customer` is passed, and makes none for a guest payment', async () => {
    const { month } = await makeTier(stripe);
    const existing = await stripe.customers.create({ email: 'known@example.com' });
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer: existing.id, line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    await pay(session, { email: 'someone-else@example.com' });
    expect((await stripe.checkout.sessions.retrieve(session.id)).customer).toBe(existing.id);
    const gift = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Gift' } } }],
      success_url: 'https://fan.example/ok',
    });
    await pay(gift, { email: 'known@example.com' });
    expect((await stripe.checkout.sessions.retrieve(gift.id)).customer).toBeNull();
    expect((await stripe.customers.list({ email: 'known@example.com' })).data.map((c) => c.id)).toEqual([existing.id]);
  });

  it('applies a promotion code on the page', async () => {
    const { month } = await makeTier(stripe);
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: 'forever', name: 'Half' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'FRIENDS' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: month.id, quantity: 1 }],
      allow_promotion_codes: true,
      success_url: 'https://fan.example/ok',
    });
    const bad = await postForm(`${session.url}/promotion`, { promotion_code: 'NOPE' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('This code is invalid.');
    const good = await postForm(`${session.url}/promotion`, { promotion_code: 'friends' });
    expect(good.status).toBe(303);
    const text = await (await fetch(session.url!)).text();
    expect(text).toContain('Discount (FRIENDS)');
    expect(text).toContain('$3.50');
    expect((await stripe.checkout.sessions.retrieve(session.id)).amount_total).toBe(350);
    await pay(session);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription.latest_invoice'] });
    const invoice = (done.subscription as Stripe.Subscription).latest_invoice as Stripe.Invoice;
    expect(invoice.total).toBe(350);
    expect(done.total_details?.amount_discount).toBe(350);
  });

  it('takes a pay-what-you-want amount in payment mode', async () => {
    const product = await stripe.products.create({ name: 'Tip jar' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      custom_unit_amount: { enabled: true, minimum: 300, preset: 1000 },
      lookup_key: 'truefans:pwyw',
    });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer_creation: 'always',
      line_items: [{ price: price.id, quantity: 1 }],
      payment_intent_data: { metadata: { kind: 'pwyw' } },
      success_url: 'https://fan.example/thanks',
    });
    const text = await (await fetch(session.url!)).text();
    expect(text).toContain('Pay what you want');
    expect(text).toContain('name="amount"');
    expect(text).toContain('value="10.00"');
    const low = await pay(session, { amount: '1' });
    expect(low.status).toBe(400);
    expect(await low.text()).toContain('Enter an amount of at least $3.00.');
    expect((await pay(session, { amount: '12.50' })).status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    expect(done.payment_status).toBe('paid');
    expect(done.amount_total).toBe(1250);
    const intent = done.payment_intent as Stripe.PaymentIntent;
    expect(intent.status).toBe('succeeded');
    expect(intent.amount).toBe(1250);
    expect(intent.metadata).toEqual({ kind: 'pwyw' });
    expect(intent.customer).toBe(done.customer);
  });

  it('creates one-time payments with price_data and product_data', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'The zine, issue 1' } }, quantity: 1 }],
      success_url: 'https://fan.example/thanks',
      cancel_url: 'https://fan.example/zine',
    });
    expect(session.customer_creation).toBe('if_required');
    const text = await (await fetch(session.url!)).text();
    expect(text).toContain('The zine, issue 1');
    expect(text).toContain('Pay $15.00');
    await pay(session);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.status).toBe('complete');
    expect(done.payment_status).toBe('paid');
    // As on Stripe: without customer_creation=always, a payment-mode checkout makes no customer.
    expect(done.customer).toBeNull();
    expect(done.customer_details?.email).toBe('fan@example.com');
  });

  it('lists sessions by customer and status, and expires open ones', async () => {
    const { month } = await makeTier(stripe);
    const make = () => stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    const first = await make();
    const second = await make();
    await pay(first);
    const complete = await stripe.checkout.sessions.list({ status: 'complete' });
    expect(complete.data.map((session) => session.id)).toEqual([first.id]);
    const expired = await stripe.checkout.sessions.expire(second.id);
    expect(expired.status).toBe('expired');
    expect(expired.url).toBeNull();
    const byCustomer = await stripe.checkout.sessions.list({ customer: String((await stripe.checkout.sessions.retrieve(first.id)).customer) });
    expect(byCustomer.data).toHaveLength(1);
    const gone = await fetch(second.url!);
    expect(gone.status).toBe(410);
  });

  it('buys as a known customer: the email is theirs and read-only', async () => {
    const { month } = await makeTier(stripe);
    const customer = await stripe.customers.create({ email: 'known@example.com', name: 'Known Fan' });
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    const text = await (await fetch(session.url!)).text();
    expect(text).toMatch(/<input type="email" id="email" name="email" value="known@example.com" readonly/);
    await pay(session, { email: 'someone-else@example.com' });
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.customer).toBe(customer.id);
    expect(done.customer_details?.email).toBe('known@example.com');
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it('expires an unpaid session after 24 hours on the clock, with checkout.session.expired', async () => {
    const { month } = await makeTier(stripe);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    expect(session.expires_at).toBe(T0 / 1000 + DAY);
    await standIn.clock.advance(DAY - 1);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    await standIn.clock.advance(1);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    expect((await stripe.events.list({ type: 'checkout.session.expired' })).data).toHaveLength(1);
    expect((await pay(session)).status).toBe(410);
  });

  it('checks the card fields as Stripe does', async () => {
    const { month } = await makeTier(stripe);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    const cases: [Parameters<typeof pay>[1], string][] = [
      [{ card: '4242 4242 4242 4241' }, 'Your card number is invalid.'],
      [{ card: '4242' }, 'Your card number is incomplete.'],
      [{ expiry: '01 / 20' }, "Your card's expiration year is in the past."],
      [{ expiry: '13/30' }, "Your card's expiration month is invalid."],
      [{ cvc: '1' }, "Your card's security code is incomplete."],
      [{ email: 'not-an-email' }, 'Your email address is invalid.'],
      [{ card: '4000 0000 0000 9995' }, 'Your card has insufficient funds.'],
      [{ card: '4111 1111 1111 1111' }, 'Your request was in test mode, but used a non test card.'],
    ];
    for (const [input, message] of cases) {
      const response = await pay(session, input);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).toContain(message.replaceAll("'", '&#39;'));
    }
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    expect((await pay(session, { card: '5555555555554444', expiry: '1/2030' })).status).toBe(303);
  });
});

describe("Stripe's money rules at checkout", () => {
  const session = (currency: string, unit_amount: number, mode: 'payment' | 'subscription' = 'payment') =>
    stripe.checkout.sessions.create({
      mode,
      line_items: [{ price_data: { currency, unit_amount, product_data: { name: 'Thing' }, ...(mode === 'subscription' ? { recurring: { interval: 'month' as const } } : {}) }, quantity: 1 }],
      success_url: 'https://fan.example/ok',
    });

  it('refuses a session below the currency\'s minimum charge at creation, with Stripe\'s error', async () => {
    await expect(session('usd', 49)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'amount_too_small',
      message: "The Checkout Session's total amount due must add up to at least $0.50 usd",
    });
    await expect(session('jpy', 49, 'subscription')).rejects.toMatchObject({ code: 'amount_too_small', message: "The Checkout Session's total amount due must add up to at least ¥50 jpy" });
    await expect(session('hkd', 399)).rejects.toMatchObject({ code: 'amount_too_small' });
    await expect(session('huf', 17_499)).rejects.toMatchObject({ code: 'amount_too_small' });
    expect((await session('usd', 50)).amount_total).toBe(50);
    expect((await session('jpy', 50)).amount_total).toBe(50);
    // A trial is due nothing today: allowed whatever the price.
    const { month } = await makeTier(stripe, 'supporter', 700, 7000);
    const trial = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], subscription_data: { trial_period_days: 7 }, success_url: 'https://fan.example/ok' });
    expect(trial.amount_total).toBe(0);
  });

  it('shows custom_text on the hosted page (Markdown links and bold, other markup as text) and refuses what Stripe refuses', async () => {
    const { month } = await makeTier(stripe);
    const base = { mode: 'subscription' as const, line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' };
    const session = await stripe.checkout.sessions.create({
      ...base,
      custom_text: { submit: { message: 'By continuing, you agree to the [terms of service](https://fan.example/terms/).' }, after_submit: { message: '**Thanks** <b>fan</b>' } },
    });
    expect(session.custom_text).toEqual({ after_submit: { message: '**Thanks** <b>fan</b>' }, shipping_address: null, submit: { message: 'By continuing, you agree to the [terms of service](https://fan.example/terms/).' }, terms_of_service_acceptance: null });
    expect((await stripe.checkout.sessions.retrieve(session.id)).custom_text.submit?.message).toContain('terms of service');
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain('By continuing, you agree to the <a href="https://fan.example/terms/">terms of service</a>.');
    expect(page).toContain('<strong>Thanks</strong> &lt;b&gt;fan&lt;/b&gt;');
    // Above the pay button, and the after_submit text below it.
    expect(page.indexOf('terms of service</a>')).toBeLessThan(page.indexOf('>Subscribe</button>'));
    expect(page.indexOf('<strong>Thanks')).toBeGreaterThan(page.indexOf('>Subscribe</button>'));
    // A link to anything but http(s) stays text.
    const js = await stripe.checkout.sessions.create({ ...base, custom_text: { submit: { message: '[click](javascript:alert(1))' } } });
    expect(await (await fetch(js.url!)).text()).not.toContain('href="javascript');

    // "Text can be up to 1200 characters in length" (SessionCreateParams.CustomText.Submit).
    expect((await stripe.checkout.sessions.create({ ...base, custom_text: { submit: { message: 'x'.repeat(1200) } } })).custom_text.submit?.message).toHaveLength(1200);
    await expect(stripe.checkout.sessions.create({ ...base, custom_text: { submit: { message: 'x'.repeat(1201) } } })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      param: 'custom_text[submit][message]',
    });
    // Emptyable: an empty value sets no text; an empty message is a missing one.
    await expect(stripe.checkout.sessions.create({ ...base, custom_text: { submit: '' } })).resolves.toMatchObject({ custom_text: { submit: null } });
    await expect(stripe.checkout.sessions.create({ ...base, custom_text: { submit: { message: '' } } })).rejects.toMatchObject({ code: 'parameter_missing', param: 'custom_text[submit][message]' });
    await expect(stripe.checkout.sessions.create({ ...base, custom_text: { footer: { message: 'x' } } as never })).rejects.toMatchObject({ param: 'custom_text[footer]' });
    // Terms consent needs a terms URL in the Dashboard, which this account has not; a custom terms text needs the consent.
    await expect(stripe.checkout.sessions.create({ ...base, consent_collection: { terms_of_service: 'required' } })).rejects.toMatchObject({
      statusCode: 400,
      param: 'consent_collection[terms_of_service]',
      message: expect.stringContaining('terms of service unless a URL is set in the Stripe Dashboard'),
    });
    await expect(stripe.checkout.sessions.create({ ...base, custom_text: { terms_of_service_acceptance: { message: 'I agree' } } })).rejects.toMatchObject({
      param: 'custom_text[terms_of_service_acceptance]',
    });
    const none = await stripe.checkout.sessions.create({ ...base, consent_collection: { terms_of_service: 'none' } });
    expect(none.consent_collection).toEqual({ payment_method_reuse_agreement: null, promotions: 'none', terms_of_service: 'none' });
  });

  it('takes a pay-what-you-want amount in the currency\'s own decimals and minimum', async () => {
    const yen = await stripe.prices.create({ currency: 'jpy', custom_unit_amount: { enabled: true }, product_data: { name: 'Tip' } });
    const open = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: yen.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    expect((await pay(open, { amount: '40' })).status).toBe(400);
    expect((await pay(open, { amount: '500.5' })).status).toBe(400);
    await pay(open, { amount: '500' });
    expect((await stripe.checkout.sessions.retrieve(open.id)).amount_total).toBe(500);
    const dinar = await stripe.prices.create({ currency: 'kwd', custom_unit_amount: { enabled: true }, product_data: { name: 'Tip' } });
    const kwd = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: dinar.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    await pay(kwd, { amount: '5.25' });
    // Three-decimal currencies: thousandths, always divisible by 10.
    expect((await stripe.checkout.sessions.retrieve(kwd.id)).amount_total).toBe(5250);
  });
});

describe('bank debit (payment methods that settle later)', () => {
  async function debit(iban: string) {
    const price = await stripe.prices.create({ currency: 'eur', unit_amount: 1200, product_data: { name: 'Songbook' } });
    const session = await stripe.checkout.sessions.create({ mode: 'payment', customer_creation: 'always', line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://fan.example/ok?cs={CHECKOUT_SESSION_ID}' });
    expect(await (await fetch(session.url!)).text()).toContain('Pay by bank debit');
    const paid = await postForm(`${session.url}/bank`, { email: 'bank@example.com', iban, name: 'Ada Fan' });
    return { session, paid };
  }

  it('completes unpaid, then settles on the clock with async_payment_succeeded', async () => {
    const { session, paid } = await debit('AT61 1904 3002 3457 3201');
    expect(paid.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect((done.payment_intent as Stripe.PaymentIntent).status).toBe('processing');
    expect((await stripe.events.list({ type: 'checkout.session.completed' })).data).toHaveLength(1);
    expect((await stripe.events.list({ type: 'checkout.session.async_payment_succeeded' })).data).toHaveLength(0);

    await standIn.clock.advance(180);
    const settled = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
    expect(settled.payment_status).toBe('paid');
    expect((settled.payment_intent as Stripe.PaymentIntent).status).toBe('succeeded');
    expect(((settled.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge).amount).toBe(1200);
    const events = await stripe.events.list({ type: 'checkout.session.async_payment_succeeded' });
    expect((events.data[0]!.data.object as Stripe.Checkout.Session).payment_status).toBe('paid');
  });

  it('a failing IBAN ends with async_payment_failed; an unknown IBAN and subscriptions are refused', async () => {
    const { session } = await debit('AT861904300235473202');
    await standIn.clock.advance(180);
    expect((await stripe.events.list({ type: 'checkout.session.async_payment_failed' })).data).toHaveLength(1);
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('unpaid');
    expect((await debit('DE00123')).paid.status).toBe(400);
    const { month } = await makeTier(stripe);
    const sub = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: month.id, quantity: 1 }], success_url: 'https://fan.example/ok' });
    expect((await postForm(`${sub.url}/bank`, { email: 'x@example.com', iban: 'AT611904300234573201' })).status).toBe(400);
  });
});
