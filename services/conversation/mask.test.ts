import { maskPersonalData } from './mask';

describe('maskPersonalData', () => {
  it.each([
    ['my number is +49 170 1234567 call me', 'my number is [phone] call me'],
    ['пишите на ivan.petrov@mail.ru пожалуйста', 'пишите на [email] пожалуйста'],
    ['so dien thoai 0912-345-678', 'so dien thoai [phone]'],
    ['passport C01X00T47 expired', 'passport [id] expired'],
    ['mi pasaporte es AB1234567', 'mi pasaporte es [id]'],
    ['IBAN DE89 3704 0044 0532 0130 00 please', 'IBAN [iban] please'],
  ])('masks %s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it.each([
    'Blue Card salary 2026 for B1 German',
    'I am 45 years old, is §18g for me?',
    'мне нужна виза D на 2 года',
  ])('keeps ordinary text: %s', (input) => {
    expect(maskPersonalData(input)).toBe(input);
  });
});
