// Stripe's test cards and what they do. Numbers outside this table are refused the way test mode
// refuses real cards. Messages are Stripe's own wording.

export interface CardOutcome {
  brand: string;
  /** Declined at checkout, with Stripe's message and codes. */
  decline?: { message: string; code: string; declineCode: string };
  /** Pays at checkout, but every later charge fails (renewals of 4000 0000 0000 0341). */
  failsLater?: boolean;
  /** Pays, then the cardholder disputes the charge as fraudulent (Stripe's 4000 0000 0000 0259). */
  disputed?: boolean;
}

const DECLINED = 'Your card was declined.';

const TEST_CARDS: Record<string, CardOutcome> = {
  '4242424242424242': { brand: 'visa' },
  '4000056655665556': { brand: 'visa' },
  '5555555555554444': { brand: 'mastercard' },
  '2223003122003222': { brand: 'mastercard' },
  '378282246310005': { brand: 'amex' },
  '6011111111111117': { brand: 'discover' },
  '4000000000000341': { brand: 'visa', failsLater: true },
  '4000000000000259': { brand: 'visa', disputed: true },
  '4000000000000002': { brand: 'visa', decline: { message: DECLINED, code: 'card_declined', declineCode: 'generic_decline' } },
  '4000000000009995': {
    brand: 'visa',
    decline: { message: 'Your card has insufficient funds.', code: 'card_declined', declineCode: 'insufficient_funds' },
  },
  '4000000000009987': { brand: 'visa', decline: { message: DECLINED, code: 'card_declined', declineCode: 'lost_card' } },
  '4000000000009979': { brand: 'visa', decline: { message: DECLINED, code: 'card_declined', declineCode: 'stolen_card' } },
  '4000000000000069': { brand: 'visa', decline: { message: 'Your card has expired.', code: 'expired_card', declineCode: 'expired_card' } },
  '4000000000000127': {
    brand: 'visa',
    decline: { message: "Your card's security code is incorrect.", code: 'incorrect_cvc', declineCode: 'incorrect_cvc' },
  },
  '4000000000000119': {
    brand: 'visa',
    decline: { message: 'An error occurred while processing your card. Try again in a little bit.', code: 'processing_error', declineCode: 'processing_error' },
  },
};

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export interface CardInput {
  number: string;
  expiry: string;
  cvc: string;
}

export interface CheckedCard {
  last4: string;
  brand: string;
  expMonth: number;
  expYear: number;
  outcome: CardOutcome;
}

export type CardCheck = { ok: true; card: CheckedCard } | { ok: false; field: 'card_number' | 'card_expiry' | 'card_cvc'; message: string };

/** Checks the fields as Stripe's card element does, then looks the number up among the test cards. */
export function checkCard(input: CardInput, nowSec: number): CardCheck {
  const digits = input.number.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits) || digits.length < 13) {
    return { ok: false, field: 'card_number', message: 'Your card number is incomplete.' };
  }
  if (!luhnValid(digits)) return { ok: false, field: 'card_number', message: 'Your card number is invalid.' };
  const expiry = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(input.expiry);
  if (!expiry) return { ok: false, field: 'card_expiry', message: "Your card's expiration date is incomplete." };
  const expMonth = Number(expiry[1]);
  const yearText = expiry[2] ?? '';
  const expYear = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (expMonth < 1 || expMonth > 12) {
    return { ok: false, field: 'card_expiry', message: "Your card's expiration month is invalid." };
  }
  const now = new Date(nowSec * 1000);
  const nowYear = now.getUTCFullYear();
  if (expYear < nowYear) return { ok: false, field: 'card_expiry', message: "Your card's expiration year is in the past." };
  if (expYear === nowYear && expMonth < now.getUTCMonth() + 1) {
    return { ok: false, field: 'card_expiry', message: "Your card's expiration date is in the past." };
  }
  const cvcLength = digits.startsWith('34') || digits.startsWith('37') ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(input.cvc.trim())) {
    return { ok: false, field: 'card_cvc', message: "Your card's security code is incomplete." };
  }
  const outcome: CardOutcome = TEST_CARDS[digits] ?? {
    brand: 'unknown',
    decline: {
      message: 'Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.',
      code: 'card_declined',
      declineCode: 'test_mode_live_card',
    },
  };
  return { ok: true, card: { last4: digits.slice(-4), brand: outcome.brand, expMonth, expYear, outcome } };
}
