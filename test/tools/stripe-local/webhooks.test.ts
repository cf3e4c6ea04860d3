// Webhooks: signed as Stripe signs them (verified by the real `stripe.webhooks.constructEventAsync`),
// delivered in order, retried on failure, and `flush()` waits for the queue.
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { StandIn } from '../../../tools/stripe-local/index.ts';
import { signPayload } from '../../../tools/stripe-local/webhooks.ts';
import { DAY, T0, makeTier, pay, start, webhookReceiver } from './helpers.ts';

const SECRET = 'whsec_verify_me';
let standIn: StandIn | undefined;
let receiver: Awaited<ReturnType<typeof webhookReceiver>> | undefined;

afterEach(async () => {
  await standIn?.close();
  await receiver?.close();
  standIn = undefined;
  receiver = undefined;
});

async function checkoutFlow(stripe: Stripe) {
  const { year } = await makeTier(stripe);
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: year.id, quantity: 1 }],
    success_url: 'https://fan.example/ok',
    metadata: { post: '/posts/hello/' },
  });
  await pay(session);
  return session;
}

describe('webhooks', () => {
  it('signs every event so stripe.webhooks.constructEventAsync accepts it', async () => {
    receiver = await webhookReceiver();
    const started = await start({ webhook: { url: receiver.url, secret: SECRET } });
    standIn = started.standIn;
    const session = await checkoutFlow(started.stripe);
    await standIn.webhooks.flush();
    const crypto = Stripe.createSubtleCryptoProvider();
    const events: Stripe.Event[] = [];
    for (const delivery of receiver.received) {
      expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      events.push(await started.stripe.webhooks.constructEventAsync(delivery.body, delivery.signature, SECRET, 300, crypto, T0));
    }
    const types = events.map((event) => event.type);
    expect(types).toEqual([
      'product.created',
      'price.created',
      'price.created',
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);
    const completed = events.at(-1) as Stripe.CheckoutSessionCompletedEvent;
    expect(completed.data.object.id).toBe(session.id);
    expect(completed.data.object.status).toBe('complete');
    expect(completed.data.object.metadata).toEqual({ post: '/posts/hello/' });
    expect(completed.api_version).toBe(Stripe.API_VERSION);
    expect(completed.livemode).toBe(false);
    const created = events[4] as Stripe.CustomerSubscriptionCreatedEvent;
    expect(created.data.object.status).toBe('incomplete');
    const activated = events[9] as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(activated.data.object.status).toBe('active');
    expect(activated.data.previous_attributes?.status).toBe('incomplete');
    // Each event is also retrievable, identical to what was sent.
    const fetched = await started.stripe.events.retrieve(completed.id);
    expect(fetched).toMatchObject({ id: completed.id, type: 'checkout.session.completed' });
    expect(standIn.webhooks.sent.every((record) => record.status === 200 && record.attempts === 1)).toBe(true);
  });

  it('rejects a tampered body or a wrong secret (the signature is real)', async () => {
    receiver = await webhookReceiver();
    const started = await start({ webhook: { url: receiver.url, secret: SECRET } });
    standIn = started.standIn;
    await started.stripe.customers.create({ email: 'sig@example.com' });
    await standIn.webhooks.flush();
    const [delivery] = receiver.received;
    const crypto = Stripe.createSubtleCryptoProvider();
    await expect(
      started.stripe.webhooks.constructEventAsync(delivery!.body.replace('sig@', 'sag@'), delivery!.signature, SECRET, 300, crypto, T0),
    ).rejects.toThrow(/No signatures found matching the expected signature/);
    await expect(
      started.stripe.webhooks.constructEventAsync(delivery!.body, delivery!.signature, 'whsec_other', 300, crypto, T0),
    ).rejects.toThrow(/No signatures found/);
    // Same format as stripe's own test header generator.
    const expected = await Stripe.webhooks.generateTestHeaderStringAsync({ payload: delivery!.body, secret: SECRET, timestamp: T0 / 1000 });
    expect(signPayload(delivery!.body, SECRET, T0 / 1000)).toBe(expected);
    expect(delivery!.signature).toBe(expected);
  });

  it('signs with the stand-in clock, so events from an advanced clock verify at that time', async () => {
    receiver = await webhookReceiver();
    const started = await start({ webhook: { url: receiver.url, secret: SECRET } });
    standIn = started.standIn;
    await checkoutFlow(started.stripe);
    await standIn.webhooks.flush();
    await standIn.clock.advance(400 * DAY);
    const last = receiver.received.at(-1)!;
    const crypto = Stripe.createSubtleCryptoProvider();
    const event = await started.stripe.webhooks.constructEventAsync(last.body, last.signature, SECRET, 300, crypto, standIn.clock.now());
    expect(event.type).toBe('customer.subscription.updated');
    // The signature's time is the advanced clock's: an hour later it is too old.
    await expect(
      started.stripe.webhooks.constructEventAsync(last.body, last.signature, SECRET, 300, crypto, standIn.clock.now() + 3_600_000),
    ).rejects.toThrow(/tolerance/);
  });

  it('retries failures with backoff and delivers in order', async () => {
    receiver = await webhookReceiver();
    receiver.state.failFirst = 2;
    const started = await start({ webhook: { url: receiver.url, secret: SECRET } });
    standIn = started.standIn;
    const a = await started.stripe.customers.create({ email: 'a@example.com' });
    const b = await started.stripe.customers.create({ email: 'b@example.com' });
    await standIn.webhooks.flush();
    expect(standIn.webhooks.sent.map(({ type, status, attempts }) => ({ type, status, attempts }))).toEqual([
      { type: 'customer.created', status: 200, attempts: 3 },
      { type: 'customer.created', status: 200, attempts: 1 },
    ]);
    const ids = receiver.received.map((delivery) => (JSON.parse(delivery.body) as Stripe.CustomerCreatedEvent).data.object.id);
    expect(ids).toEqual([a.id, b.id]);
  });

  it('gives up after the last retry and records the failure', async () => {
    receiver = await webhookReceiver();
    receiver.state.failFirst = 100;
    const started = await start({ webhook: { url: receiver.url, secret: SECRET } });
    standIn = started.standIn;
    await started.stripe.customers.create({ email: 'a@example.com' });
    await standIn.webhooks.flush();
    expect(standIn.webhooks.sent).toEqual([expect.objectContaining({ type: 'customer.created', status: 500, attempts: 4 })]);
  });

  it('records network errors as "error", and setWebhook points deliveries elsewhere', async () => {
    const started = await start({ webhook: { url: 'http://127.0.0.1:9/nowhere', secret: SECRET } });
    standIn = started.standIn;
    await started.stripe.customers.create({ email: 'a@example.com' });
    await standIn.webhooks.flush();
    expect(standIn.webhooks.sent[0]).toMatchObject({ status: 'error', attempts: 4 });
    receiver = await webhookReceiver();
    standIn.setWebhook({ url: receiver.url, secret: SECRET });
    await started.stripe.customers.create({ email: 'b@example.com' });
    await standIn.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    standIn.setWebhook(undefined);
    await started.stripe.customers.create({ email: 'c@example.com' });
    await standIn.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    expect((await started.stripe.events.list({ type: 'customer.created' })).data).toHaveLength(3);
  });
});
