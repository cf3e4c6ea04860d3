// One Fetch-style handler for everything the stand-in serves: the API under /v1, the hosted checkout
// (/c/pay/<id>), the billing portal (/p/session/<id>), hosted invoices (/i/<id>) and a small home page.
import { handleApi, type ApiOptions } from './api.ts';
import { processDue } from './billing.ts';
import type { Engine } from './engine.ts';
import { handleCheckoutPage } from './pages/checkout.ts';
import { html, notFound, page } from './pages/html.ts';
import { handleInvoicePage } from './pages/invoice.ts';
import { handlePortalPage } from './pages/portal.ts';

const CHECKOUT = /^\/c\/pay\/([^/]+)(?:\/([a-z_]+))?\/?$/;
const PORTAL = /^\/p\/session\/([^/]+)(?:\/([a-z_]+))?\/?$/;
const INVOICE = /^\/i\/([^/]+)(?:\/([a-z_]+))?\/?$/;

export function createHandler(engine: Engine, options: ApiOptions): (request: Request) => Promise<Response> {
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
      if (pathname === '/' && request.method === 'GET') {
        return page(
          'Local Stripe stand-in',
          html`<main><h1>Local Stripe stand-in</h1><p>This server speaks Stripe's API under <code>/v1</code> for truefans' development, demo and tests, and hosts the checkout page, the billing portal and invoices.</p><p class="muted">Point the <code>stripe</code> package at it with <code>host</code>, <code>port</code> and <code>protocol: 'http'</code>.</p></main>`,
        );
      }
      return notFound('Page');
    } catch (error) {
      console.error('[stripe stand-in] internal error on', request.method, pathname, error);
      return page('Something went wrong', html`<main><h1>Something went wrong</h1><p>The local Stripe stand-in could not handle this request.</p></main>`, { status: 500 });
    }
  };
}
