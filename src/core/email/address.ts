// What the site accepts as an email address from a form or an imported list: one @, a dot in the domain,
// and none of the characters that would let it carry a second address or a header.

export const EMAIL_ADDRESS = /^[^\s@<>",;:]{1,64}@[^\s@<>",;:]{1,255}\.[^\s@<>",;:]{2,}$/;
