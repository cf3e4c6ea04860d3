// `npm run fans -- --wall FILE`: the supporter wall's names per tier, highest tier first, for liner notes,
// credits or a thank-you video. Only current fans (a former fan's name leaves the wall with them), names
// cleaned as the site cleans them, each tier's names in alphabetical order. Plain text, one name a line.

import { cleanWallName } from '../core/wall.ts';
import type { Figures } from './figures.ts';

const CURRENT = new Set(['active', 'trialing', 'past_due']);

export function wallByTier(figures: Figures, language = 'en'): { tier: string; name: string; names: string[] }[] {
  const collator = new Intl.Collator(language);
  return [...figures.fansByTier]
    .reverse()
    .map(({ tier, name }) => ({
      tier,
      name,
      names: figures.people
        .filter((p) => p.tier === tier && CURRENT.has(p.status))
        .map((p) => cleanWallName(p.wallName))
        .filter((n): n is string => n !== undefined)
        .sort(collator.compare),
    }))
    .filter((group) => group.names.length > 0);
}

export function renderWall(figures: Figures, language = 'en'): string {
  const groups = wallByTier(figures, language);
  if (!groups.length) return 'No names on the supporter wall yet.\n';
  return `${groups.map((g) => `${g.name} (${g.names.length})\n${g.names.join('\n')}`).join('\n\n')}\n`;
}
