// The one sign-in page: the build's /signin/ (src/pages/signin.astro) is also the template of the
// function's sign-in answers, so a fan sees the same page however they arrive. The function fills in
// where the emailed link returns to and a note (why they are asked, or what was wrong with the email).
// A built page without its markers, or none at all, gets views.ts signInView in the shell instead.

import { escapeHtml as e } from '../http/html.ts';

/** signin.astro's empty slot for the note; it renders nothing on the static page. */
const NOTE = '<truefans-signin-note></truefans-signin-note>';
/** SigninForm.astro's return path on /signin/ (the home page). */
const RETURN = /<input type="hidden" name="return_to" value="\/">/g;

/** Whether a built /signin/ page can serve as the template: one note slot and one form. */
export function isSignInTemplate(html: string): boolean {
  return html.split(NOTE).length === 2 && (html.match(RETURN) ?? []).length === 1;
}

/** The built page for this fan: the form returns to `returnTo` (a safe path), the note says `message`. */
export function renderSignInPage(template: string, returnTo: string, message?: string): string {
  const note = message ? `<truefans-signin-note><p class="signin-note" role="status">${e(message)}</p></truefans-signin-note>` : NOTE;
  // Split-and-join, as in shell.ts: a `$` in the path must not read as a replacement pattern.
  return template.split(NOTE).join(note).split(RETURN).join(`<input type="hidden" name="return_to" value="${e(returnTo)}">`);
}
