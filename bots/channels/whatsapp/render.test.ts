/**
 * Reply → WhatsApp messages: reply buttons, lists, the numbered-text fallback, links, the
 * counsellor's label, and Meta's length limits.
 */
import {
  renderWhatsAppReply,
  textsOf,
  WHATSAPP_INTERACTIVE_BODY_MAX_CHARS,
  WHATSAPP_ROW_DESCRIPTION_MAX_CHARS,
  WHATSAPP_ROW_TITLE_MAX_CHARS,
  WHATSAPP_TEXT_MAX_CHARS,
} from './render';

const choice = (value: string, label: string) => ({ value, label });
const MENU = [
  choice('cat:visa', 'Visas y residencia'),
  choice('cat:recognition', 'Reconocimiento de títulos'),
  choice('cat:work', 'Trabajo y empleo'),
  choice('cat:language', 'Idioma alemán'),
  choice('cat:living', 'Vivir en MV y Sajonia-Anhalt'),
  choice('regions', 'Mi estado federado'),
  choice('human', 'Hablar con una persona'),
];

describe('choices', () => {
  it('up to three short choices become reply buttons whose ids are the choice values', () => {
    const r = renderWhatsAppReply({ text: '¿Le fue útil?', choices: [choice('fb:yes', 'Sí'), choice('fb:no', 'No')] });
    expect(r).toEqual({
      messages: [
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: '¿Le fue útil?' },
            action: { buttons: [{ type: 'reply', reply: { id: 'fb:yes', title: 'Sí' } }, { type: 'reply', reply: { id: 'fb:no', title: 'No' } }] },
          },
        },
      ],
      numberedChoices: null,
    });
  });

  it('four to ten choices become a list; a long label continues in the row’s description', () => {
    const r = renderWhatsAppReply({ text: '¿Qué le gustaría saber?', choices: MENU }, { locale: 'es' });
    const [message] = r.messages;
    expect(message.type).toBe('interactive');
    if (message.type !== 'interactive' || message.interactive.type !== 'list') throw new Error('not a list');
    expect(message.interactive.action.button).toBe('Elegir');
    const rows = message.interactive.action.sections[0].rows;
    expect(rows.map((row) => row.id)).toEqual(MENU.map((c) => c.value));
    expect(rows.every((row) => [...row.title].length <= WHATSAPP_ROW_TITLE_MAX_CHARS)).toBe(true);
    const living = rows.find((row) => row.id === 'cat:living')!;
    expect(living.title).toMatch(/…$/);
    expect(living.description).toBe('Vivir en MV y Sajonia-Anhalt');
    expect(rows.find((row) => row.id === 'cat:visa')).toEqual({ id: 'cat:visa', title: 'Visas y residencia' });
    expect(r.numberedChoices).toBeNull();
  });

  it('three choices with a label too long for a button become a list', () => {
    const r = renderWhatsAppReply({ text: 'x', choices: [choice('a', 'Hablar con una persona ahora'), choice('b', 'B'), choice('c', 'C')] });
    expect(r.messages[0]).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
  });

  it('more than ten choices become a numbered list with a hint, remembered for reading the number back', () => {
    const many = Array.from({ length: 12 }, (_, i) => choice(`topic:t${i}`, `Tema ${i + 1}`));
    const r = renderWhatsAppReply({ text: 'Temas:', choices: many }, { locale: 'es' });
    expect(r.messages).toHaveLength(1);
    expect(textsOf(r)[0]).toBe(`Temas:\n\n${many.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}\n\nResponda con el número de su elección.`);
    expect(r.numberedChoices).toEqual(many.map((c) => c.value));
  });

  it('text only (whatsapp-web.js): even two choices are numbered', () => {
    const r = renderWhatsAppReply({ text: 'Is this helpful?', choices: [choice('fb:yes', 'Yes'), choice('fb:no', 'No')] }, { interactive: false });
    expect(textsOf(r)).toEqual(['Is this helpful?\n\n1. Yes\n2. No\n\nReply with the number of your choice.']);
    expect(r.messages[0].type).toBe('text');
    expect(r.numberedChoices).toEqual(['fb:yes', 'fb:no']);
  });
});

describe('text, links and limits', () => {
  it('links follow the text, one per line; previews are off', () => {
    const r = renderWhatsAppReply({ text: 'Tarjeta Azul UE', links: [{ label: 'Make it in Germany', url: 'https://www.make-it-in-germany.com/' }, { label: '', url: 'https://example.org/' }] });
    expect(r.messages).toEqual([{ type: 'text', text: { body: 'Tarjeta Azul UE\n\nMake it in Germany: https://www.make-it-in-germany.com/\nhttps://example.org/', preview_url: false } }]);
  });

  it('a counsellor’s message starts with their label in bold', () => {
    expect(textsOf(renderWhatsAppReply({ text: 'Hola, soy Ana.' }, { heading: 'Asesoría' }))).toEqual(['*Asesoría:*\nHola, soy Ana.']);
  });

  it('a long text is split at paragraphs into messages of at most 4096 characters', () => {
    const text = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(10)].join('\n\n');
    const texts = textsOf(renderWhatsAppReply({ text }));
    expect(texts.map((t) => t[0])).toEqual(['a', 'b']);
    expect(texts.every((t) => t.length <= WHATSAPP_TEXT_MAX_CHARS)).toBe(true);
  });

  it('text too long for an interactive body goes first as text; the body keeps the end (≤ 1024)', () => {
    const text = ['p1 ' + 'x'.repeat(900), 'p2 ' + 'y'.repeat(900)].join('\n\n');
    const r = renderWhatsAppReply({ text, choices: [choice('fb:yes', 'Sí')] });
    expect(r.messages.map((m) => m.type)).toEqual(['text', 'interactive']);
    const body = r.messages[1].type === 'interactive' ? r.messages[1].interactive.body.text : '';
    expect(body.startsWith('p2')).toBe(true);
    expect(body.length).toBeLessThanOrEqual(WHATSAPP_INTERACTIVE_BODY_MAX_CHARS);
    expect(textsOf(r)[0].startsWith('p1')).toBe(true);
  });

  it('a row description never exceeds 72 characters', () => {
    const r = renderWhatsAppReply({ text: 'x', choices: [choice('a', 'A'.repeat(100)), choice('b', 'B'), choice('c', 'C'), choice('d', 'D')] });
    const m = r.messages[0];
    if (m.type !== 'interactive' || m.interactive.type !== 'list') throw new Error('not a list');
    expect([...m.interactive.action.sections[0].rows[0].description!].length).toBe(WHATSAPP_ROW_DESCRIPTION_MAX_CHARS);
  });

  it('an empty reply still sends something', () => {
    expect(textsOf(renderWhatsAppReply({ text: '  ' }))).toEqual(['…']);
  });
});
