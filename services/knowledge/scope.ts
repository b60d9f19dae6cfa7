/**
 * Signs that a message is outside what the knowledge base answers: chit-chat with the bot,
 * jokes, sports, weather forecasts, crypto, symptoms and medicines, dating, and migration to
 * *other* countries (a visa for Poland, asylum in the Netherlands). Retrieval alone would
 * happily match "work visa for Canada" to a German visa topic; these signs let the classifier
 * abstain so the engine can clarify or offer a counsellor instead of answering the wrong
 * question.
 *
 * Patterns are matched on the normalised words (lower case, with diacritics) and on the folded
 * words (without), as general vocabulary of each subject in the five languages.
 */
import { foldAccents, normalizeText, tokenize } from './analyze';

/*
 * Patterns run on the message's words joined by single spaces, with a space at both ends
 * (` как дела ты кто `), so a word boundary is a plain space: fast, and right for Cyrillic
 * and Vietnamese letters, where \b is not.
 */
const L = ' ';
const R = '(?= )';

function words(list: string[], prefix = false): RegExp {
  return new RegExp(`${L}(?:${list.join('|')})${prefix ? '' : R}`, 'u');
}

/** Other destination countries (stems / names), in the five languages and Russian translit. */
const OTHER_COUNTRY_STEMS = words(
  [
    // ru
    'польш', 'канад', 'нидерланд', 'голланд', 'испани', 'коре[яиюе]', 'япони', 'сша', 'америк', 'англи[яию]',
    'великобритан', 'чехи[яию]', 'австри[яиюе]', 'швейцари', 'франци[яиюе]', 'итали[яиюе]', 'португали',
    'финлянди', 'швеци', 'норвеги', 'дани[яию]', 'ирланди', 'литв[аеуы]', 'латви', 'эстони', 'венгри', 'румыни',
    'болгари', 'словаки', 'хорвати', 'израил', 'оаэ', 'эмират', 'дуба[йе]', 'турци', 'австрали', 'зеланди',
    'бельги', 'тайван', 'китай', 'кита[ея]', 'саудовск', 'сингапур', 'малайзи', 'кувейт', 'новую зеланди',
    // ru translit
    'polsh', 'kanad', 'niderland', 'gollandi', 'ispani', 'kore[yj]', 'yaponi', 'japoni', 'ssha', 'ameri[kc]',
    'angli[iy]', 'chehi', 'chekhi', 'avstri', 'shvei?cari', 'shvejcari', 'franci', 'itali', 'finlyandi', 'turci',
    'turtsi', 'izrail', 'dubai', 'avstrali',
  ],
  true,
);
const OTHER_COUNTRY_WORDS = words([
  // en
  'poland', 'canada', 'netherlands', 'holland', 'spain', 'spanish visa', 'korea', 'japan', 'usa', 'us visa',
  'united states', 'america', 'uk', 'united kingdom', 'england', 'britain', 'australia', 'new zealand', 'czech',
  'czechia', 'austria', 'switzerland', 'france', 'italy', 'portugal', 'finland', 'sweden', 'norway',
  'denmark', 'ireland', 'lithuania', 'latvia', 'estonia', 'hungary', 'romania', 'bulgaria', 'slovakia',
  'croatia', 'taiwan', 'israel', 'dubai', 'uae', 'emirates', 'turkey', 'belgium', 'luxembourg', 'china',
  'saudi arabia', 'saudi', 'qatar', 'kuwait', 'singapore', 'malaysia',
  // de
  'polen', 'kanada', 'niederlande', 'spanien', 'amerika', 'vereinigte staaten', 'grossbritannien',
  'großbritannien', 'australien', 'neuseeland', 'tschechien', 'osterreich', 'österreich', 'schweiz',
  'frankreich', 'italien', 'finnland', 'schweden', 'norwegen', 'danemark', 'dänemark', 'irland', 'litauen',
  'lettland', 'estland', 'ungarn', 'rumanien', 'rumänien', 'bulgarien', 'slowakei', 'kroatien', 'turkei',
  'türkei', 'belgien', 'luxemburg',
  // es
  'polonia', 'canada', 'canadá', 'paises bajos', 'países bajos', 'holanda', 'españa', 'espana', 'corea',
  'japon', 'japón', 'estados unidos', 'eeuu', 'ee uu', 'reino unido', 'inglaterra', 'nueva zelanda',
  'chequia', 'republica checa', 'república checa', 'suiza', 'francia', 'italia', 'finlandia', 'suecia',
  'noruega', 'dinamarca', 'irlanda', 'lituania', 'letonia', 'hungria', 'hungría', 'rumania', 'rumanía',
  'eslovaquia', 'croacia', 'turquia', 'turquía', 'belgica', 'bélgica', 'luxemburgo', 'arabia saudita', 'catar',
  'singapur', 'malasia', 'emiratos',
  // vi (with or without tone marks where unambiguous)
  'ba lan', 'ca na da', 'hà lan', 'ha lan', 'tây ban nha', 'tay ban nha', 'hàn quốc', 'han quoc', 'nhật bản',
  'nhat ban', 'đài loan', 'dai loan', 'thụy sĩ', 'thuy si', 'phần lan', 'phan lan', 'thụy điển', 'thuy dien',
  'na uy', 'đan mạch', 'dan mach', 'thổ nhĩ kỳ', 'tho nhi ky', 'nước mỹ', 'nuoc my', 'nước anh', 'nước úc',
  'nước pháp', 'nước ý', 'cộng hòa séc', 'trung quốc', 'trung quoc', 'ả rập', 'a rap xe ut', 'ả rập xê út', 'qatar',
  'ca ta', 'malaysia', 'ma lai', 'singapore', 'xin ga po', 'rumani', 'ru ma ni', 'romania', 'hungary', 'slovakia',
  '(?:đi|sang|qua|xklđ|xkld|du học|du hoc) (?:hàn|nhật|mỹ|úc|séc|anh|pháp|ý|canada|đài|han|nhat|my|uc)',
  'eps', 'xkld nhật', 'xklđ nhật',
]);

/** Mentions of Germany or of the regions the service covers. */
const GERMANY = new RegExp(
  `${L}(?:германи|немец|немц|немецк|герман|germani|germaniy|nemec|nemets|nemeck|deutschland|deutsch|germany|german|alemania|alemán|aleman|alemana|alemanes|đức|duc|bundes|berlin|берлин|münchen|munchen|munich|мюнхен|hamburg|гамбург|frankfurt|франкфурт|köln|koln|cologne|leipzig|лейпциг|dresden|дрезден|stuttgart|düsseldorf|dusseldorf|bremen|hannover|nürnberg|nurnberg|mecklenburg|мекленбург|vorpommern|sachsen|саксони|anhalt|анхальт|rostock|росток|schwerin|шверин|magdeburg|магдебург|halle|галле|dessau|дессау|greifswald|грайфсвальд|stralsund|штральзунд|wismar|висмар|neubrandenburg|wittenberg|stendal|ostdeutschland|mv)`,
  'u',
);

type Pattern = { name: string; re: RegExp };

/** Subjects the service does not cover. */
const OFF_TOPIC: Pattern[] = [
  {
    name: 'chit-chat',
    re: words([
      'как дела', 'как ты', 'чем занимаешься', 'кто ты', 'ты бот', 'ты кто', 'как тебя зовут', 'что делаешь',
      'kak dela', 'chem zanimaeshsya', 'kto ty', 'how are you', "what's up", 'whats up', 'who are you',
      "what's your name", 'your name', 'are you a bot', 'are you human', 'cómo estás', 'como estas', 'qué haces',
      'que haces', 'quién eres', 'quien eres', 'cómo te llamas', 'como te llamas', "wie geht's", 'wie gehts',
      'wie geht es dir', 'wer bist du', 'wie heißt du', 'wie heisst du', 'bạn tên gì', 'ban ten gi', 'tên gì',
      'bạn là ai', 'ban la ai', 'khỏe không', 'khoe khong', 'ăn cơm chưa', 'an com chua', 'đang làm gì',
      'dang lam gi',
    ]),
  },
  {
    name: 'joke',
    re: words([
      'анекдот\\p{L}*', 'пошути\\p{L}*', 'расскажи шутку', 'anekdot\\p{L}*', '(?:tell|know) (?:me )?(?:a |any |some )?(?:good |funny )?jokes?',
      'a joke', 'chiste\\p{L}*', '(?:erzähl|erzaehl|kennst du) (?:mir )?(?:einen |ein paar )?witze?', 'kể chuyện cười',
      'ke chuyen cuoi', 'chuyện cười', 'truyện cười', 'truyen cuoi',
    ]),
  },
  {
    name: 'sports',
    re: words([
      'футбол\\p{L}*', 'матч\\p{L}*', 'выиграл\\p{L}*', 'реал', 'барса', 'барселона', 'бундеслиг\\p{L}*', 'чемпионат\\p{L}*',
      'futbol', 'fútbol', 'football', 'soccer', 'bundesliga', 'champions league', 'premier league', 'partido',
      'boca juniors', 'boca o river', 'river plate', 'quién gana', 'quien gana', 'quién ganó', 'quien gano', 'who won', 'who will win',
      'wer hat gewonnen', 'wer gewinnt', 'fußball', 'fussball', 'bóng đá', 'bong da', 'world cup',
    ]),
  },
  {
    name: 'crypto',
    re: words([
      'биткоин\\p{L}*', 'биткойн\\p{L}*', 'крипт\\p{L}*', 'bitcoin', 'bitkoin', 'btc', 'crypto', 'krypto', 'cripto\\p{L}*',
      'kriptovalyut\\p{L}*', 'ethereum', 'eth', 'đào coin', 'dao coin', 'coin', 'forex', 'nft', 'trading',
    ]),
  },
  {
    name: 'health-symptoms',
    re: words([
      'болит', 'болят', 'таблетк\\p{L}*', 'лекарств\\p{L}*', 'горло', 'кашель', 'кашля', 'насморк', 'простуд\\p{L}*',
      'bolit', 'tabletk\\p{L}*', 'headache', 'fever', 'pills', 'painkiller\\p{L}*', 'sore throat', 'cough',
      'kopfschmerz\\p{L}*', 'fieber', 'tabletten', 'husten', 'bauchschmerz\\p{L}*', 'fiebre', 'dolor de cabeza',
      'pastilla\\p{L}*', 'tos', 'gripe', 'đau bụng', 'dau bung', 'đau đầu', 'dau dau', 'tiêu chảy', 'tieu chay',
      'uống thuốc', 'uong thuoc', 'bị sốt', 'bi sot', 'cảm cúm', 'cam cum',
    ]),
  },
  {
    name: 'dating',
    re: words([
      'знакомств\\p{L}*', 'познакомиться с девушк\\p{L}*', 'dating', 'tinder',
      'app de citas', 'aplicación de citas', 'aplicacion de citas', 'app de citas', 'citas pa', 'conocer alemanas',
      'conocer chicas', 'freundin finden', 'người yêu', 'nguoi yeu', 'làm quen', 'lam quen',
      'hẹn hò', 'hen ho',
    ]),
  },
  {
    name: 'other-subject',
    re: words([
      'рецепт\\p{L}*', 'гороскоп\\p{L}*', 'лотере\\p{L}*', 'recipe', 'horoscope', 'lottery', 'receta\\p{L}*',
      'horóscopo', 'horoscopo', 'lotería', 'loteria', 'rezept\\p{L}*', 'horoskop', 'lotto', 'công thức nấu',
      'xổ số', 'xo so', 'tử vi',
    ]),
  },
];

const ANY_OFF_TOPIC = new RegExp(OFF_TOPIC.map((p) => p.re.source).join('|'), 'u');

/** A weather question about a day (a forecast), as opposed to the climate of the region. */
const WEATHER = words(['погод\\p{L}*', 'дожд\\p{L}*', 'pogod\\p{L}*', 'weather', 'rain', 'wetter', 'regnen', 'regnet', 'llover', 'lloverá', 'llueve', 'lluvia', 'clima hoy', 'thời tiết', 'trời', 'mưa']);
const WEATHER_FOLDED = words(['thoi tiet', 'troi (?:co )?mua', 'mua khong', 'co mua']);
const NEAR_DAY = words(['завтра', 'сегодня', 'вечером', 'zavtra', 'segodnya', 'tomorrow', 'today', 'tonight', 'this weekend', 'morgen', 'heute', 'wochenende', 'mañana', 'manana', 'hoy', 'ngày mai', 'ngay mai', 'mai', 'hôm nay', 'hom nay', 'tối nay', 'toi nay', 'cuối tuần']);

export interface ScopeSignals {
  /** Subjects matched among {@link OFF_TOPIC} names and 'weather-forecast'. */
  offTopic: string[];
  /** Another destination country is named and Germany / the regions are not. */
  otherCountry: boolean;
  mentionsGermany: boolean;
}

/**
 * Scope signals of a message. `germanTermMentioned` tells that a glossary term (a German legal
 * term) was recognised, which anchors the message in Germany.
 */
export function scopeSignals(text: string, germanTermMentioned = false): ScopeSignals {
  const words = tokenize(normalizeText(text)).map((p) => p.word);
  const norm = ` ${words.join(' ')} `;
  const folded = foldAccents(norm);
  const test = (re: RegExp) => re.test(norm) || (folded !== norm && re.test(folded));
  const offTopic = test(ANY_OFF_TOPIC) ? OFF_TOPIC.filter((p) => test(p.re)).map((p) => p.name) : [];
  if ((WEATHER.test(norm) || WEATHER_FOLDED.test(folded)) && test(NEAR_DAY)) offTopic.push('weather-forecast');
  const mentionsGermany = germanTermMentioned || test(GERMANY);
  const other = test(OTHER_COUNTRY_WORDS) || test(OTHER_COUNTRY_STEMS);
  return { offTopic, otherCountry: other && !mentionsGermany, mentionsGermany };
}
