// What every export reader hands the migration: posts in the platform's HTML with their access already in
// truefans' terms, the free subscribers as a CSV the followers import reads, and notes for the report.

export interface SourcePost {
  /** File name stem under content/posts/: lowercase letters, digits and dashes. */
  slug: string;
  title: string;
  date: Date;
  description: string;
  tags: string[];
  /** public, members, or a tier id of site.yaml. */
  access: string;
  draft: boolean;
  /** The body as the platform rendered it; a members divider is marked by DIVIDER_MARK. */
  html: string;
  /** An absolute image URL for the cover, if the platform had one. */
  cover?: string | undefined;
  coverAlt?: string | undefined;
}

export interface SourceExport {
  platform: 'ghost' | 'substack' | 'patreon';
  posts: SourcePost[];
  /** Free subscribers as a CSV with headers the followers import knows; undefined: none in the export. */
  followersCsv?: string | undefined;
  /** How many subscribers the export holds and how many are left out (paying elsewhere, not free). */
  subscribers: { free: number; skipped: number; why?: string };
  /** Lines for the report: what was mapped how, and what was left out. */
  notes: string[];
}

/** Put in the HTML where the members-only part starts; becomes `<!-- members -->` in Markdown. */
export const DIVIDER_MARK = 'TRUEFANSMEMBERSDIVIDERMARK';

export class MigrateInputError extends Error {}

/** A slug truefans can use as a file name and a URL segment. */
export function slugOf(value: string, fallback: string): string {
  const slug = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || fallback;
}
