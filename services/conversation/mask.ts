/**
 * Masks personal identifiers in free text before it is kept outside the person's own transcript
 * (the editors' inbox of unanswered questions): e-mail addresses, phone numbers, passport- and
 * ID-like numbers, IBANs.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g;
/** 7+ digits, allowing spaces, dots, dashes, slashes and brackets between them, optional +. */
const PHONE = /(?:\+|00)?\d(?:[\s./()-]*\d){6,}/g;
/** Passport / ID numbers: a token of 6–12 letters and digits with at least 2 digits and a letter. */
const DOCUMENT_ID = /\b(?=[A-Za-z0-9]{6,12}\b)(?=(?:[A-Za-z]*\d){2})(?=[0-9]*[A-Za-z])[A-Za-z0-9]+\b/g;

export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(IBAN, '[iban]')
    .replace(DOCUMENT_ID, '[id]')
    .replace(PHONE, '[phone]');
}
