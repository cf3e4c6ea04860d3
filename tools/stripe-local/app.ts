// One Fetch-style handler for everything the stand-in serves: the API under /v1, the hosted checkout
// (/c/pay/<id>), the billing portal (/p/session/<id>), hosted invoices (/i/<id>) and a home page with the
// test clock's controls.
import { handleApi, type ApiOptions } from './api.ts';
import { processDue } from './billing.ts';
import type { Engine } from './engine.ts';
import { handleCheckoutPage } from './pages/checkout.ts';
import { handleDashboardAction, renderDashboard } from './pages/dashboard.ts';
import type { DeliveryRecord } from './webhooks.ts';
import { html, notFound, page } from './pages/html.ts';
import { handleInvoicePage } from './pages/invoice.ts';
import { handlePortalPage } from './pages/portal.ts';

const CHECKOUT = /^\/c\/pay\/([^/]+)(?:\/([a-z_]+))?\/?$/;
const PORTAL = /^\/p\/session\/([^/]+)(?:\/([a-z_]+))?\/?$/;
const INVOICE = /^\/i\/([^/]+)(?:\/([a-z_]+))?\/?$/;

export interface HandlerOptions extends ApiOptions {
  /** Moves the clock forward (and waits for the webhooks), for the home page's buttons. */
  advanceClock: (seconds: number) => Promise<void>;
  sent: readonly DeliveryRecord[];
}

export function createHandler(engine: Engine, options: HandlerOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/v1/')) return handleApi(engine, request, options);
    try {
      processDue(engine, engine.clock.nowSec());
      let match = CHECKOUT.exec(pathname);
      if (match) return await handleCheckoutPage(engine, request, decodeURIComponent(match[1] ?? ''), match[2]);
      match = PORTAL.exec(pathname);
      if (match) return await handlePortalPage(engine, request, decodeURIComponent(match[1] ?? ''), match[2]);
      match = INVOICE.exec(pathname);
      if (match) return await handleInvoicePage(engine, request, decodeURIComponent(match[1] ?? ''), match[2]);
      if (pathname === '/' && request.method === 'GET') return renderDashboard(engine, options.sent);
      if (pathname === '/clock' || pathname === '/portal' || pathname === '/dispute') {
        return await handleDashboardAction(engine, request, pathname.slice(1) as 'clock' | 'portal' | 'dispute', options.advanceClock);
      }
      return notFound('Page');
    } catch (error) {
      console.error('[stripe stand-in] internal error on', request.method, pathname, error);
      return page('Something went wrong', html`<main><h1>Something went wrong</h1><p>The local Stripe stand-in could not handle this request.</p></main>`, { status: 500 });
    }
  };
}
