// The account page's supporter-wall section: the fan's name as it stands, a field to change it and a button
// to remove it (routes/supporters.ts saves it). The name is untrusted text and is escaped.

import { escapeHtml as e } from '../http/html.ts';
import { ROUTES, SUPPORTERS_PAGE } from '../paths.ts';
import { WALL_NAME_MAX } from '../wall.ts';

/** The account page's section: the fan's current name, a field to change it, and a button to remove it. */
export function wallFormHtml(current: string | undefined): string {
  return `<h2>The supporter wall</h2>
<p>${current ? `Your name on <a href="${SUPPORTERS_PAGE}">the supporter wall</a>: <strong>${e(current)}</strong>.` : `You are not on <a href="${SUPPORTERS_PAGE}">the supporter wall</a>. Add a name if you like; leave it empty to stay off it.`}</p>
<form method="post" action="${ROUTES.wall}">
<label for="wall_name">Your name on the supporter wall</label>
<input type="text" id="wall_name" name="wall_name" maxlength="${WALL_NAME_MAX}" value="${e(current ?? '')}" autocomplete="name">
<button type="submit">Save my name</button>
${current ? '<button type="submit" name="remove" value="1">Remove my name</button>' : ''}
</form>`;
}

