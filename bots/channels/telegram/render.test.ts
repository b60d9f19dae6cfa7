/**
 * Reply → the sendMessage calls that deliver it: escaping, links, keyboards, splitting.
 */
import { escapeAttribute, escapeHtml, renderInlineKeyboard, renderTelegramReply, splitText, TELEGRAM_TEXT_MAX_CHARS } from './render';

describe('escaping', () => {
  it.each([
    ['<b>bold</b> & <script>', '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;'],
    ['&amp; stays visible as typed', '&amp;amp; stays visible as typed'],
    ['Зарплата > 45 000 €', 'Зарплата &gt; 45 000 €'],
    ['"quotes" stay in text', '"quotes" stay in text'],
  ])('text %j', (text, html) => {
    expect(escapeHtml(text)).toBe(html);
    expect(renderTelegramReply({ text })[0].html).toBe(html);
  });

  it('escapes attribute values, quotes included', () => {
    expect(escapeAttribute('https://x.example/?a=1&b="2"<')).toBe('https://x.example/?a=1&amp;b=&quot;2&quot;&lt;');
  });
});

describe('links', () => {
  it('follow the text after a blank line, one per line, as HTML links', () => {
    const [part] = renderTelegramReply({
      text: 'Blue Card',
      links: [
        { label: 'BAMF <official>', url: 'https://www.bamf.de/?q=blue&x="y"' },
        { label: 'Make it in Germany', url: 'https://www.make-it-in-germany.com/' },
      ],
    });
    expect(part.html).toBe(
      'Blue Card\n\n<a href="https://www.bamf.de/?q=blue&amp;x=&quot;y&quot;">BAMF &lt;official&gt;</a>\n<a href="https://www.make-it-in-germany.com/">Make it in Germany</a>',
    );
    expect(part.plain).toBe('Blue Card\n\nBAMF <official>: https://www.bamf.de/?q=blue&x="y"\nMake it in Germany: https://www.make-it-in-germany.com/');
  });

  it('show anything but http(s) as text, never as a link', () => {
    const [part] = renderTelegramReply({ text: 'x', links: [{ label: 'Click', url: 'javascript:alert(1)' }, { label: 'Call', url: 'tel:+49385' }] });
    expect(part.html).not.toContain('<a ');
    expect(part.html).toContain('Click: javascript:alert(1)');
  });
});

describe('inline keyboards', () => {
  it('carries the choice values as callback_data under the last message; short labels share a row', () => {
    const parts = renderTelegramReply({
      text: 'Это помогло?',
      choices: [
        { value: 'fb:yes', label: 'Да' },
        { value: 'fb:no', label: 'Нет' },
        { value: 'more:eu-blue-card', label: 'Подробнее' },
        { value: 'human:not-helpful', label: 'Связаться с консультантом' },
        { value: 'menu', label: 'Меню' },
      ],
    });
    expect(parts).toHaveLength(1);
    expect(parts[0].reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Да', callback_data: 'fb:yes' },
          { text: 'Нет', callback_data: 'fb:no' },
        ],
        [{ text: 'Подробнее', callback_data: 'more:eu-blue-card' }],
        [{ text: 'Связаться с консультантом', callback_data: 'human:not-helpful' }],
        [{ text: 'Меню', callback_data: 'menu' }],
      ],
    });
  });

  it('labels are not HTML (Telegram shows button text as it is)', () => {
    expect(renderInlineKeyboard([{ value: 'x', label: 'A & <B>' }])!.inline_keyboard[0][0].text).toBe('A & <B>');
  });

  it('leaves out a value longer than 64 bytes (callback_data limit) and has no keyboard without choices', () => {
    const long = `topic:${'ж'.repeat(30)}`; // 6 + 60 bytes
    expect(renderInlineKeyboard([{ value: long, label: 'Long' }, { value: 'menu', label: 'Menu' }])).toEqual({ inline_keyboard: [[{ text: 'Menu', callback_data: 'menu' }]] });
    expect(renderInlineKeyboard([])).toBeUndefined();
    expect(renderTelegramReply({ text: 'x' })[0].reply_markup).toBeUndefined();
  });

  it('a Reply with buttons and no text still has a text (Telegram refuses empty messages)', () => {
    expect(renderTelegramReply({ text: '  ', choices: [{ value: 'menu', label: 'Menu' }] })).toEqual([
      { html: '…', plain: '…', reply_markup: { inline_keyboard: [[{ text: 'Menu', callback_data: 'menu' }]] } },
    ]);
  });
});

describe('splitting long messages', () => {
  const paragraph = (n: number, chars: number) => `${n}: ${'слово '.repeat(Math.ceil(chars / 6))}`.slice(0, chars).trim();

  it('keeps a message up to 4096 characters whole', () => {
    const text = 'а'.repeat(TELEGRAM_TEXT_MAX_CHARS);
    expect(renderTelegramReply({ text })).toHaveLength(1);
  });

  it('splits at paragraph boundaries, each part within the limit, the keyboard under the last', () => {
    const paragraphs = [1, 2, 3, 4, 5].map((n) => paragraph(n, 1500));
    const parts = renderTelegramReply({ text: paragraphs.join('\n\n'), choices: [{ value: 'fb:yes', label: 'Да' }] });
    expect(parts.map((p) => p.plain)).toEqual([paragraphs.slice(0, 2).join('\n\n'), paragraphs.slice(2, 4).join('\n\n'), paragraphs[4]]);
    expect(parts.every((p) => p.html.length <= TELEGRAM_TEXT_MAX_CHARS)).toBe(true);
    expect(parts.map((p) => p.reply_markup !== undefined)).toEqual([false, false, true]);
  });

  it('counts the escaped length, so markup characters never push a part over the limit', () => {
    const text = `${'<&>'.repeat(1000)}\n\n${'<&>'.repeat(1000)}`; // 6001 chars, 15 000+ escaped
    const parts = renderTelegramReply({ text });
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((p) => p.html.length <= TELEGRAM_TEXT_MAX_CHARS)).toBe(true);
    expect(parts.map((p) => p.plain).join('')).toBe(text.replace('\n\n', ''));
  });

  it('splits one huge paragraph at line breaks, then sentences, then spaces, never inside a character', () => {
    expect(splitText('aaa\nbbb\nccc', 7)).toEqual(['aaa\nbbb', 'ccc']);
    expect(splitText('One two. Three four. Five.', 12)).toEqual(['One two.', 'Three four.', 'Five.']);
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    const emoji = '😀'.repeat(5); // surrogate pairs: 2 code units each
    const pieces = splitText(emoji, 3);
    expect(pieces.join('')).toBe(emoji);
    expect(pieces.every((p) => p.length <= 3 && !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });

  it('puts links that no longer fit into a message of their own', () => {
    const text = 'x'.repeat(4090);
    const parts = renderTelegramReply({ text, links: [{ label: 'BAMF', url: 'https://www.bamf.de/' }], choices: [{ value: 'menu', label: 'Menu' }] });
    expect(parts.map((p) => p.html)).toEqual([text, '<a href="https://www.bamf.de/">BAMF</a>']);
    expect(parts[1].reply_markup).toBeDefined();
  });
});

describe('who speaks', () => {
  it('a heading goes in bold above the first part only, escaped, and parts still fit', () => {
    const parts = renderTelegramReply({ text: `${'a'.repeat(4050)}\n\n${'b'.repeat(30)}` }, { heading: 'R&D <team>' });
    expect(parts[0].html.startsWith('<b>R&amp;D &lt;team&gt;:</b>\na')).toBe(true);
    expect(parts[0].plain.startsWith('R&D <team>:\na')).toBe(true);
    expect(parts.map((p) => p.html.slice(-3))).toEqual(['aaa', 'bbb']); // without the heading the two would fit one message
    expect(parts.every((p) => p.html.length <= TELEGRAM_TEXT_MAX_CHARS)).toBe(true);
  });
});

