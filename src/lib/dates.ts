// Dates as readers see them. Frontmatter dates are calendar days (midnight UTC), so format in UTC
// or a reader west of Greenwich would see the day before.

import { site } from 'virtual:truefans/site';

const long = new Intl.DateTimeFormat(site.language, { dateStyle: 'long', timeZone: 'UTC' });

export const formatDate = (date: Date) => long.format(date);
export const isoDate = (date: Date) => date.toISOString().slice(0, 10);
