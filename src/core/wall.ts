// The supporter wall's rules in one place: the optional checkout field that asks for a name, the customer
// metadata that keeps it (Stripe is the record), and how a typed name is cleaned before it is kept.

/** Stripe Checkout custom field key (alphanumeric, up to 200 characters) and its label (up to 50 shown). */
export const WALL_FIELD = { key: 'wallname', label: 'Your name on the supporter wall' } as const;
/** Where the name lives: the fan's Stripe customer's metadata (values hold up to 500 characters). */
export const WALL_METADATA = 'truefans_wall_name';
/** A name on the wall is short: a person's or a household's name, not a message. */
export const WALL_NAME_MAX = 40;

/**
 * The name as kept: control and format characters (bidi overrides, zero-width) removed, spaces collapsed,
 * trimmed, at most WALL_NAME_MAX characters (code points, so no emoji is cut in half). Empty: no name.
 */
export function cleanWallName(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const cleaned = raw.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/gu, ' ').trim();
  const name = [...cleaned].slice(0, WALL_NAME_MAX).join('').trim();
  return name || undefined;
}
