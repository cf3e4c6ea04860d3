// Renders a built post as an email for one audience: the sealed parts that audience may read are opened
// by the core's own openGates (the web's one rule, src/core/gate), every other part becomes a "join" or
// "upgrade" block, and the result is laid out with MJML (tables and inlined styles that Gmail, Apple Mail
// and Outlook render) with a plain-text twin. Rendered once per audience; per recipient only the greeting
// and the unsubscribe link are filled in (personalize).

import mjml2html from 'mjml';
import { convert } from 'html-to-text';
import type { Keyring } from '../core/crypto/keys.ts';
import { ENVELOPE_ATTR, GATE_TAG, LOCKED_TAG, TIER_ATTR } from '../core/gate/contract.ts';
import { openGates } from '../core/gate/open-gates.ts';
import { findMarkers } from '../core/html/markers.ts';
import type { Manifest } from '../core/manifest.ts';
import { ASSET_ROUTE } from '../core/paths.ts';
import { canAccess } from '../core/access.ts';
import { emailAssetUrl, signEmailAssetToken } from '../core/tokens/email-asset.ts';
import { entitlementsOf, type Audience } from './audience.ts';
import type { BuiltPost } from './post.ts';

export const GREETING = '%%TRUEFANS_GREETING%%';
export const UNSUBSCRIBE = '%%TRUEFANS_UNSUBSCRIBE_URL%%';

export interface RenderedEmail {
  audience: Audience;
  subject: string;
  /** With the GREETING and UNSUBSCRIBE placeholders. */
  html: string;
  text: string;
}

export class RenderRefused extends Error {}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function tierName(manifest: Manifest, access: string): string {
  if (access === 'members') return 'members';
  return `${manifest.tiers.find((t) => t.id === access)?.name ?? access} members`;
}

function joinBlock(manifest: Manifest, audience: Audience, access: string, postUrl: string): string {
  const who = tierName(manifest, access);
  const [lead, action] = audience.kind === 'follower' ? ['The rest is for', 'Join to read it'] : ['This part is for', 'Upgrade to read it'];
  return `<div class="truefans-join" style="border:1px solid #d6d3cd;border-radius:8px;padding:16px;margin:20px 0;background:#f7f5f1"><p style="margin:0 0 8px"><strong>${lead} ${esc(who)}.</strong></p><p style="margin:0"><a href="${esc(postUrl)}#join">${action} on the site</a></p></div>`;
}

/**
 * A members-only image loads for an audience whose tier opens it through a signed, expiring URL on the asset
 * route (src/core/tokens/email-asset.ts): one token per audience tier, good for that asset for 30 days, so
 * no URL opens it for everyone forever. Any other audience gets a link to the post, behind sign-in (see
 * README, "Sending posts"). Followers hold no tier, so they never get such a URL.
 */
async function sealImages(html: string, audience: Audience, manifest: Manifest, keyring: Keyring, postUrl: string, nowMs: number): Promise<string> {
  const origin = new URL(manifest.site.url).origin;
  const rankedTiers = manifest.tiers.map((t) => t.id);
  const tags = [...html.matchAll(/<img\b[^>]*>/g)].filter((m) => m[0].includes(ASSET_ROUTE));
  let out = '';
  let at = 0;
  for (const m of tags) {
    const tag = m[0];
    const src = /\bsrc="([^"]*)"/.exec(tag)?.[1];
    const path = src ? new URL(src.replace(/&amp;/g, '&'), origin).pathname : '';
    const id = path.startsWith(`${ASSET_ROUTE}/`) ? path.slice(ASSET_ROUTE.length + 1).split('/')[0]! : '';
    const asset = Object.hasOwn(manifest.assets, id) ? manifest.assets[id] : undefined;
    let replacement: string;
    if (audience.kind === 'tier' && asset && canAccess(asset.access, entitlementsOf(audience), rankedTiers)) {
      const url = emailAssetUrl(path, await signEmailAssetToken(keyring, path, audience.tier, nowMs));
      replacement = tag.replace(/\bsrc="[^"]*"/, `src="${esc(url)}"`);
    } else {
      const alt = /\balt="([^"]*)"/.exec(tag)?.[1] ?? '';
      replacement = `<a href="${esc(postUrl)}">[Image${alt ? `: ${alt}` : ''}] view it on the site</a>`;
    }
    out += html.slice(at, m.index) + replacement;
    at = m.index + tag.length;
  }
  return out + html.slice(at);
}

function absolutize(html: string, origin: string): string {
  return html.replace(/(\s(?:src|href)=")(\/(?!\/)[^"]*)"/g, (_, attr: string, path: string) => `${attr}${origin}${path}"`);
}

/** The post's body for one audience: what it may read, join blocks for the rest. Throws when a part cannot open. */
export async function bodyFor(post: BuiltPost, audience: Audience, manifest: Manifest, keyring: Keyring, nowMs: number): Promise<string> {
  const rankedTiers = manifest.tiers.map((t) => t.id);
  const opened = await openGates(post.html, { keyring, ent: entitlementsOf(audience), rankedTiers });
  if (!opened.ok) {
    // Fail closed: a part this audience may read did not open (another secret?); never send a mix.
    throw new RenderRefused(`post "${post.post}": a members-only part for ${opened.tier ?? 'a tier'} could not be opened with TRUEFANS_SECRET. Send with the secret the site was built with.`);
  }
  const origin = new URL(manifest.site.url).origin;
  const postUrl = new URL(post.link, origin).href;
  let html = opened.html;
  // The web's "join to read it" notes point at the page's own join section; the email has its own blocks.
  for (const lock of findMarkers(html, LOCKED_TAG).reverse()) html = html.slice(0, lock.start) + html.slice(lock.end);
  for (const gate of findMarkers(html, GATE_TAG).reverse()) {
    html = html.slice(0, gate.start) + joinBlock(manifest, audience, gate.attrs[TIER_ATTR] ?? 'members', postUrl) + html.slice(gate.end);
  }
  if (html.includes(ENVELOPE_ATTR)) throw new RenderRefused(`post "${post.post}": a sealed part was left in the email.`);
  // Opened gates of a readable tier have no marker left; the markers of unopened parts are now join blocks.
  html = html.replace(new RegExp(`</?${GATE_TAG}[^>]*>`, 'g'), '');
  return absolutize(await sealImages(html, audience, manifest, keyring, postUrl, nowMs), origin);
}

function because(manifest: Manifest, audience: Audience): string {
  const site = manifest.site.title;
  return audience.kind === 'follower' ? `You follow ${site} for free.` : `You are a ${manifest.tiers.find((t) => t.id === audience.tier)?.name ?? audience.tier} of ${site}.`;
}

/** `nowMs` starts the 30 days of the members-only image URLs. */
export async function renderEmail(post: BuiltPost, audience: Audience, manifest: Manifest, keyring: Keyring, nowMs: number): Promise<RenderedEmail> {
  const body = await bodyFor(post, audience, manifest, keyring, nowMs);
  const origin = new URL(manifest.site.url).origin;
  const postUrl = new URL(post.link, origin).href;
  const footer = `${esc(because(manifest, audience))} <a href="${UNSUBSCRIBE}">Unsubscribe from post emails</a>, in one click.`;
  const template = `<mjml lang="${esc(manifest.site.language)}">
<mj-head><mj-title>${esc(post.title)}</mj-title><mj-preview>${esc(post.description)}</mj-preview>
<mj-attributes><mj-all font-family="Georgia, 'Times New Roman', serif" /><mj-text font-size="17px" line-height="1.6" color="#1d1b18" /></mj-attributes>
<mj-style>img { max-width: 100%; height: auto; } pre { white-space: pre-wrap; } a { color: #8a3b12; }</mj-style></mj-head>
<mj-body background-color="#ffffff" width="640px">
<mj-section><mj-column>
<mj-text font-size="14px" color="#5c5750"><a href="${esc(origin)}/" style="color:#5c5750;text-decoration:none">${esc(manifest.site.title)}</a></mj-text>
<mj-text font-size="28px" line-height="1.25"><h1 style="font-size:28px;margin:0"><a href="${esc(postUrl)}" style="color:#1d1b18;text-decoration:none">${esc(post.title)}</a></h1></mj-text>
<mj-text><p style="margin:0">${GREETING}</p></mj-text>
<mj-text>${body}</mj-text>
<mj-text><p><a href="${esc(postUrl)}">Read it on the site</a></p></mj-text>
<mj-divider border-width="1px" border-color="#d6d3cd" />
<mj-text font-size="13px" color="#5c5750">${footer}</mj-text>
</mj-column></mj-section>
</mj-body></mjml>`;
  const out = await mjml2html(template, { validationLevel: 'soft', keepComments: false });
  const text = [
    GREETING,
    '',
    post.title,
    '',
    convert(body, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] }),
    '',
    `Read it on the site: ${postUrl}`,
    '',
    '--',
    because(manifest, audience),
    `Unsubscribe from post emails: ${UNSUBSCRIBE}`,
    '',
  ].join('\n');
  return { audience, subject: post.title, html: out.html, text };
}

/** Fills in one recipient's greeting and unsubscribe link; the only per-recipient work. */
export function personalize(email: RenderedEmail, name: string | undefined, unsubscribeUrl: string): { html: string; text: string } {
  const first = name?.trim().split(/\s+/)[0];
  const greetingText = first ? `Hi ${first},` : 'Hi,';
  return {
    html: email.html.split(GREETING).join(esc(greetingText)).split(UNSUBSCRIBE).join(esc(unsubscribeUrl)),
    text: email.text.split(GREETING).join(greetingText).split(UNSUBSCRIBE).join(unsubscribeUrl),
  };
}
