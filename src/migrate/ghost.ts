// Ghost's JSON export (Settings → Migration → Export content): posts with their HTML (or Lexical when the
// HTML is missing), tags, visibility and tiers, and members when the export holds them. Access: public ->
// public; members (free sign-ups on Ghost) and paid -> members (here every reader of a gated post pays; the
// report says so); tiers -> the lowest site tier any of the post's Ghost tiers maps to (a site tier whose
// `also` names that tier's Stripe product, or whose id is its slug), else members. Ghost's public-preview
// card (`<!--members-only-->`) becomes the members divider. Free members become followers.

import type { SiteConfig } from '../config/site-schema.ts';
import { legacyTiersOf } from '../core/holdings.ts';
import { csvCell } from './csv-out.ts';
import { DIVIDER_MARK, MigrateInputError, slugOf, type SourceExport, type SourcePost } from './types.ts';

type Row = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The HTML of a post saved only as Lexical: its paragraphs, headings, quotes and lists as text. */
function lexicalHtml(lexical: string): string {
  let root: { root?: { children?: Row[] } };
  try {
    root = JSON.parse(lexical) as typeof root;
  } catch {
    return '';
  }
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const text = (node: Row): string => (typeof node.text === 'string' ? esc(node.text) : ((node.children as Row[] | undefined) ?? []).map(text).join(''));
  return (root.root?.children ?? [])
    .map((node) => {
      const tag = node.type === 'heading' ? str(node.tag) || 'h2' : node.type === 'quote' ? 'blockquote' : node.type === 'list' ? (node.listType === 'number' ? 'ol' : 'ul') : 'p';
      if (tag === 'ol' || tag === 'ul') return `<${tag}>${((node.children as Row[] | undefined) ?? []).map((li) => `<li>${text(li)}</li>`).join('')}</${tag}>`;
      if (node.type === 'image' && typeof node.src === 'string') return `<p><img src="${esc(node.src)}" alt="${esc(str(node.altText))}"></p>`;
      return `<${tag}>${text(node)}</${tag}>`;
    })
    .join('\n');
}

export function readGhost(json: string, file: string, site: SiteConfig, ghostUrl: string | undefined): SourceExport {
  let parsed: { db?: { data?: Row }[]; data?: Row };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    throw new MigrateInputError(`${file}: not JSON. Export it from Ghost Admin: Settings → Migration → Export content.`);
  }
  const data = (parsed.db?.[0]?.data ?? parsed.data) as Record<string, Row[] | undefined> | undefined;
  if (!data || !Array.isArray(data.posts)) throw new MigrateInputError(`${file}: no posts found; expected Ghost's JSON export ({"db":[{"data":{"posts":[...]}}]}).`);
  const notes: string[] = [];
  const tagName = new Map((data.tags ?? []).map((t) => [str(t.id), str(t.name)]));
  const tagsOf = new Map<string, string[]>();
  for (const pt of data.posts_tags ?? []) tagsOf.set(str(pt.post_id), [...(tagsOf.get(str(pt.post_id)) ?? []), tagName.get(str(pt.tag_id)) ?? ''].filter((t) => t && !t.startsWith('#')));
  const altOf = new Map((data.posts_meta ?? []).map((m) => [str(m.post_id), str(m.feature_image_alt)]));

  // Ghost tier -> site tier: by the tier's Stripe product in a site tier's `also`, else by the same slug.
  const also = legacyTiersOf(site.tiers);
  const stripeProduct = new Map((data.stripe_products ?? []).map((s) => [str(s.product_id), str(s.stripe_product_id)]));
  const siteTier = new Map<string, string | undefined>();
  for (const p of data.products ?? []) {
    const id = str(p.id);
    siteTier.set(id, also[stripeProduct.get(id) ?? ''] ?? site.tiers.find((t) => t.id === str(p.slug))?.id);
  }
  const tiersOfPost = new Map<string, string[]>();
  for (const pp of [...(data.posts_products ?? []), ...(data.posts_tiers ?? [])]) tiersOfPost.set(str(pp.post_id), [...(tiersOfPost.get(str(pp.post_id)) ?? []), str(pp.product_id ?? pp.tier_id)]);
  const rank = (tier: string) => site.tiers.findIndex((t) => t.id === tier);

  const resolve = (html: string) => (ghostUrl ? html.replaceAll('__GHOST_URL__', ghostUrl.replace(/\/$/, '')) : html);
  let freeMembersOnly = 0;
  let unmappedTiers = 0;
  let pages = 0;
  const posts: SourcePost[] = [];
  for (const p of data.posts) {
    if (str(p.type) === 'page') {
      pages++;
      continue;
    }
    const id = str(p.id);
    const visibility = str(p.visibility) || 'public';
    let access = 'public';
    if (visibility === 'members') {
      access = 'members';
      freeMembersOnly++;
    } else if (visibility === 'paid') access = 'members';
    else if (visibility === 'tiers') {
      const mapped = (tiersOfPost.get(id) ?? []).map((t) => siteTier.get(t)).filter((t): t is string => !!t).sort((a, b) => rank(a) - rank(b));
      access = mapped[0] ?? 'members';
      if (!mapped.length) unmappedTiers++;
    }
    let html = str(p.html) || lexicalHtml(str(p.lexical));
    // Ghost's public-preview card: above it is the teaser, below it members-only.
    html = html.replace(/<!--\s*members-only\s*-->/, access === 'public' ? '' : `<p>${DIVIDER_MARK}</p>`);
    const status = str(p.status);
    const date = new Date(str(p.published_at) || str(p.created_at) || Date.now());
    posts.push({
      slug: slugOf(str(p.slug), `ghost-${id}`),
      title: str(p.title).trim() || '(untitled)',
      date: Number.isNaN(date.getTime()) ? new Date() : date,
      description: str(p.custom_excerpt).trim(),
      tags: tagsOf.get(id) ?? [],
      access,
      draft: status === 'draft',
      html: resolve(html),
      cover: p.feature_image ? resolve(str(p.feature_image)) : undefined,
      coverAlt: altOf.get(id) || undefined,
    });
  }
  if (freeMembersOnly) notes.push(`${freeMembersOnly} post(s) were for free members on Ghost; here they are for paying members (access: members). Set \`access: public\` on any that followers should read.`);
  if (unmappedTiers) notes.push(`${unmappedTiers} post(s) were for Ghost tiers no site tier maps (add the tier's Stripe product id to a tier's \`also\` in site.yaml, or name a tier like the Ghost tier's slug); they are for any paying member (access: members).`);
  if (pages) notes.push(`${pages} Ghost page(s) were not imported: copy them to content/pages/ by hand.`);
  if (!ghostUrl && json.includes('__GHOST_URL__')) notes.push('Images are addressed relative to your Ghost site (__GHOST_URL__): run again with --url https://your-ghost-site to download them.');

  const members = data.members ?? [];
  const free = members.filter((m) => (str(m.status) || 'free') === 'free');
  const comped = members.filter((m) => str(m.status) === 'comped').length;
  const paid = members.filter((m) => str(m.status) === 'paid').length;
  if (paid) notes.push(`${paid} paid member(s) are subscriptions in your Stripe account: map their Ghost tiers with \`also\` in site.yaml and they sign in here with no new payment (docs/moving-in.md).`);
  if (comped) notes.push(`${comped} complimentary member(s) had access for free on Ghost; they are not imported (give them a 100% promotion code to join a tier).`);
  const followersCsv = free.length
    ? ['email,name,subscribed_to_emails', ...free.map((m) => [csvCell(str(m.email)), csvCell(str(m.name)), m.email_disabled === true || m.subscribed === false ? 'false' : 'true'].join(','))].join('\n')
    : undefined;
  return { platform: 'ghost', posts, followersCsv, subscribers: { free: free.length, skipped: paid + comped, why: 'paid or complimentary' }, notes };
}
