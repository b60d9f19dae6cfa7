/**
 * The phrases the engine recognises in free text, as data, in all five languages plus the
 * forms people really type (Russian in Latin letters, Vietnamese without tone marks, German
 * without umlauts). Matching is done by `detectIntent` (intents.ts) after `normalizeText`,
 * so case, punctuation and diacritics do not matter here.
 *
 * Pattern syntax: words separated by spaces; a word ending in `*` matches any word starting
 * with it (Russian endings: `оператор*` matches «оператора», «оператором»).
 *
 * Three tiers, from strict to loose:
 * - `whole`: the message is exactly the phrase («человек», «Menü»);
 * - `short`: the phrase occurs in a message of at most {@link SHORT_MESSAGE_MAX_WORDS} words
 *   («мне нужен оператор»);
 * - `anywhere`: the phrase occurs in a message of any length («I want to talk to a human
 *   about my visa»). Only unambiguous requests belong here.
 */
import type { Locale } from './types';

/** The intents recognised in free text. */
export type PhraseIntent = 'delete' | 'human' | 'language' | 'menu' | 'greeting' | 'thanks' | 'ack';

/** The phrases of one intent, by tier. */
export interface PhraseSet {
  whole: readonly string[];
  short: readonly string[];
  anywhere: readonly string[];
}

/** Longest message (in words) in which a `short` phrase still counts as the intent. */
export const SHORT_MESSAGE_MAX_WORDS = 6;

/**
 * Intents in order of precedence: a message matching two of them gets the first
 * (deleting data beats asking for a human beats switching language …).
 */
export const INTENT_PHRASES: ReadonlyArray<readonly [PhraseIntent, PhraseSet]> = [
  [
    'delete',
    {
      whole: [],
      short: ['удал* данн*', 'udal* dann*', 'borrar datos', 'eliminar datos', 'delete data', 'forget me'],
      anywhere: [
        // ru
        'удал* мои данн*', 'удал* мою информац*', 'удал* все мои данн*', 'стер* мои данн*',
        'удал* мо* данн*', 'udal* moi dann*', 'udal* moi dan*',
        // vi
        'xóa dữ liệu', 'xoá dữ liệu', 'xóa thông tin của tôi', 'xóa hết dữ liệu',
        // es
        'borr* mis datos', 'elimin* mis datos', 'borr* todos mis datos', 'elimin* todos mis datos',
        // de
        'daten lösch*', 'daten loesch*', 'lösch* meine daten', 'loesch* meine daten',
        'lösch* sie meine daten', 'loesch* sie meine daten', 'lösch* alle meine daten',
        // en
        'delete my data', 'delete all my data', 'erase my data', 'remove my data', 'delete my information',
      ],
    },
  ],
  [
    'human',
    {
      whole: [
        'человек', 'chelovek', 'оператор', 'operator', 'người', 'nhân viên', 'persona', 'humano', 'agente',
        'mensch', 'beratung', 'mitarbeiter', 'human', 'agent', 'person', 'someone', 'support',
      ],
      short: [
        // ru
        'оператор*', 'консультант*', 'менеджер*', 'позов* человек*', 'нуж* человек*',
        'operator*', 'konsultant*', 'menedzher*',
        // vi
        'nhân viên tư vấn', 'người tư vấn', 'gặp người', 'người thật', 'nói chuyện với người',
        // es
        'asesor', 'asesora', 'asesores', 'operador', 'operadora', 'agente', 'persona real',
        // de
        'berater', 'beraterin', 'echte* mensch*', 'einen menschen',
        // en
        'human', 'real person', 'counsellor', 'counselor', 'advisor', 'adviser', 'agent',
      ],
      anywhere: [
        // ru
        'жив* человек*', 'жив* люд*', 'поговор* с оператор*', 'связ* с оператор*', 'поговор* с человек*',
        'поговор* с консультант*', 'zhiv* chelovek*', 'jiv* chelovek*', 'pogovor* s operator*',
        // vi
        'tư vấn viên', 'gặp tư vấn', 'nói chuyện với tư vấn', 'muốn gặp người', 'nói chuyện với người thật',
        'cần người tư vấn',
        // es
        'hablar con una persona', 'hablar con alguien', 'hablar con un asesor', 'hablar con una asesora',
        'hablar con un humano', 'hablar con un agente', 'hablar con un operador', 'comunicarme con una persona',
        // de
        'mit einem menschen', 'mit einem berater', 'mit einer beraterin', 'mit jemandem sprechen',
        'mit einer person sprechen', 'einen berater sprechen',
        // en
        'talk to a human', 'speak to a human', 'talk to a person', 'speak to a person', 'talk to someone',
        'speak to someone', 'speak with someone', 'talk to a counsellor', 'talk to a counselor',
        'talk to an advisor', 'human agent', 'live agent', 'real human',
      ],
    },
  ],
  [
    'language',
    {
      whole: [
        'язык', 'сменить язык', 'поменять язык', 'выбрать язык', 'другой язык', 'yazyk', 'smenit yazyk',
        'ngôn ngữ', 'đổi ngôn ngữ', 'chọn ngôn ngữ', 'thay đổi ngôn ngữ',
        'idioma', 'cambiar idioma', 'cambiar el idioma', 'otro idioma', 'lengua',
        'sprache', 'sprache ändern', 'sprache wechseln', 'andere sprache',
        'language', 'languages', 'change language', 'change the language', 'other language',
      ],
      short: [],
      anywhere: [],
    },
  ],
  [
    'menu',
    {
      whole: [
        'меню', 'главное меню', 'menyu', 'menu', 'main menu', 'menú', 'menú principal', 'menü', 'hauptmenü',
        'danh mục', 'menu chính', 'темы', 'themen', 'topics', 'temas', 'chủ đề',
      ],
      short: [],
      anywhere: [],
    },
  ],
  [
    'greeting',
    {
      whole: [
        // ru
        'привет', 'здравствуйте', 'здравствуй', 'добрый день', 'доброе утро', 'добрый вечер', 'салам',
        'privet', 'zdravstvuyte', 'zdravstvujte', 'dobryy den', 'dobryj den', 'salam',
        // vi
        'xin chào', 'chào', 'chào bạn', 'chào anh', 'chào chị', 'chào em', 'chào ad', 'alo',
        // es
        'hola', 'buenas', 'buenos días', 'buenas tardes', 'buenas noches', 'hola buenas', 'hola buenas tardes',
        'hola buenos días', 'saludos',
        // de
        'hallo', 'guten tag', 'guten morgen', 'guten abend', 'moin', 'servus', 'hallo zusammen',
        // en
        'hi', 'hello', 'hey', 'hi there', 'good morning', 'good afternoon', 'good evening',
      ],
      short: [],
      anywhere: [],
    },
  ],
  [
    'thanks',
    {
      whole: [
        'спасибо', 'спасибо большое', 'большое спасибо', 'благодарю', 'spasibo', 'ок спасибо',
        'cảm ơn', 'cám ơn', 'cảm ơn bạn', 'xin cảm ơn', 'cảm ơn nhiều', 'cảm ơn ạ', 'thank',
        'gracias', 'muchas gracias', 'mil gracias', 'ok gracias',
        'danke', 'danke schön', 'dankeschön', 'vielen dank', 'danke sehr', 'ok danke',
        'thanks', 'thank you', 'thank you very much', 'thanks a lot', 'thx', 'ok thanks', 'ok thank you',
      ],
      short: [],
      anywhere: [],
    },
  ],
  [
    'ack',
    {
      whole: [
        'ок', 'ok', 'okay', 'хорошо', 'понятно', 'ясно', 'ладно', 'được', 'vâng', 'dạ', 'ừ', 'vale', 'bueno',
        'entiendo', 'gut', 'alles klar', 'verstanden', 'alright', 'got it', 'fine',
      ],
      short: [],
      anywhere: [],
    },
  ],
];

/**
 * Naming a language as the whole message switches to it: the language's own name, the
 * English name, and common "in Russian"-type forms. Names of a language in a *third*
 * language («немецкий») are left out on purpose: they more often mean the language as a
 * subject (courses) than the wish to switch.
 */
export const LANGUAGE_NAMES: Readonly<Record<Locale, readonly string[]>> = {
  ru: ['русский', 'русский язык', 'по-русски', 'на русском', 'russkiy', 'russkij', 'po russki', 'po-russki', 'russian'],
  vi: ['tiếng việt', 'tiếng việt nam', 'bằng tiếng việt', 'vietnamese'],
  es: ['español', 'castellano', 'en español', 'spanish'],
  de: ['deutsch', 'auf deutsch', 'german'],
  en: ['english', 'in english'],
};
