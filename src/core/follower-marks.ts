// The marks that make a customer a free follower and switch post emails, as they sit in the payment
// provider's customer metadata. Shared by the edge function, `npm run send` and `npm run followers`.

/** `yes` on a follower's customer. */
export const FOLLOWER_KEY = 'truefans_follower';
/** Unix seconds of the (first) confirmation. */
export const FOLLOWED_AT_KEY = 'truefans_followed_at';
/** `off` turns post emails off; absent means on (members and followers get them by default). */
export const POST_EMAILS_KEY = 'truefans_post_emails';
/** Set by `npm run followers -- import`: the follower opted in somewhere else, and the creator vouches for it. */
export const IMPORTED_KEY = 'truefans_imported';

type Metadata = Readonly<Record<string, string>> | null | undefined;

export const isFollower = (metadata: Metadata) => metadata?.[FOLLOWER_KEY] === 'yes';
export const postEmailsOn = (metadata: Metadata) => metadata?.[POST_EMAILS_KEY] !== 'off';
