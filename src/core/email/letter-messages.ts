// A fan's letter to the creator (Reply-To the fan, so the answer is a personal email) and the fan's copy.
// The subject and body are the fan's words, cleaned of control characters (letters/rules.ts) and escaped
// in the HTML by `message`; the fan's address comes from their verified session, never from the form.

import type { EmailMessage } from '../ports.ts';
import { message, type SiteInfo } from './messages.ts';

export interface Letter {
  /** The fan's verified email. */
  from: string;
  subject: string | undefined;
  body: string;
  /** The absolute address of the post it was written from, if any. */
  about: string | undefined;
}

export function letterEmail(site: SiteInfo, to: string, letter: Letter): EmailMessage {
  const subject = letter.subject ? `Letter from ${letter.from}: ${letter.subject}` : `A letter from ${letter.from}`;
  return {
    ...message('letter', to, subject, site, [
      `${letter.from} wrote to you from ${site.title}${letter.about ? `, after reading ${letter.about}` : ''}:`,
      letter.body,
      `Reply to this email and your answer goes straight to ${letter.from}.`,
    ]),
    replyTo: letter.from,
  };
}

export function letterCopyEmail(site: SiteInfo, letter: Letter): EmailMessage {
  return message('letter-copy', letter.from, `Your letter to ${site.author}${letter.subject ? `: ${letter.subject}` : ''}`, site, [
    `This is a copy of your letter to ${site.author}, sent from ${site.title}. ${site.author} sees your email address, so an answer comes straight to you.`,
    letter.body,
  ]);
}
