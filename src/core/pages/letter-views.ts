// Letters to the creator as pages: the form (the account page's section; the Astro component
// LetterForm.astro draws the same form at the end of a post) and the page after sending. Values escaped.

import { escapeHtml as e } from '../http/html.ts';
import { BODY_MAX, SUBJECT_MAX } from '../letters/rules.ts';
import { LETTER_ROUTE } from '../paths.ts';
import type { View } from './views.ts';

/** The form; `about` is the page it is written from (the account page sends none). */
export function letterFormHtml(author: string, about?: string): string {
  return `<section class="truefans-letter" aria-labelledby="letter-heading">
<h2 id="letter-heading">Write to ${e(author)}</h2>
<p>Your letter goes to ${e(author)} by email, with your address to reply to; you get a copy.</p>
<form method="post" action="${LETTER_ROUTE}">
${about ? `<input type="hidden" name="about" value="${e(about)}">\n` : ''}<label for="letter-subject">Subject (optional)</label>
<input type="text" id="letter-subject" name="subject" maxlength="${SUBJECT_MAX}">
<label for="letter-body">Your letter</label>
<textarea id="letter-body" name="body" rows="6" maxlength="${BODY_MAX}" required></textarea>
<button type="submit">Send to ${e(author)}</button>
</form>
</section>`;
}

export function letterSentView(a: { author: string; email: string; back: string }): View {
  return {
    title: 'Your letter is on its way',
    main: `<section class="truefans-page">
<h1>Your letter is on its way</h1>
<p>${e(a.author)} will read it in their own inbox, and an answer comes straight to <strong>${e(a.email)}</strong>. A copy of your letter is in your inbox too.</p>
<p><a href="${e(a.back)}">Back to where you were</a></p>
</section>`,
  };
}
