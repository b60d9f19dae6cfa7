/**
 * Function words per language, in folded form (lower case, no diacritics; Russian in
 * Cyrillic with ё → е). They carry no topic and are dropped before indexing and matching.
 * Greetings and politeness words are included: they open many messages and decide nothing.
 *
 * Question words that do carry intent ("how much", "where") are deliberately *not* listed:
 * they are frequent enough to get a low weight from the index anyway.
 */
import type { Locale } from '../../bots/engine/types';

const words = (s: string): Set<string> => new Set(s.split(/\s+/).filter(Boolean));

export const STOPWORDS: Record<Locale, Set<string>> = {
  en: words(`
    a an the and or but if then so of to in on at by for with from into about as is are was were be been being
    am do does did doing have has had having i me my mine myself we us our you your yours he him his she her it its
    they them their this that these those there here what which who whom whose can could would should shall will may
    might must not no yes too very just also only still already even again ever any some all both each either more most
    such than up down out off over under get got gets getting hi hello hey dear thanks thank please pls plz ok okay
    lol im i'm dont don't doesnt isn't its it's ive i've id i'd youre u ur would'nt wanna gonna kinda like really actually
    guys anyone someone somebody something anything one
  `),
  de: words(`
    der die das den dem des ein eine einen einem einer eines und oder aber wenn dann so als wie auch nur noch schon
    ist sind war waren bin bist sein seid gewesen wird werden wurde wurden hat habe hast haben hatte hatten kann
    konnen koennen konnte muss mussen muessen musste soll sollen sollte darf durfen will wollen mochte mochten
    ich du er sie es wir ihr mich mir dich dir ihn ihm uns euch ihnen mein meine meinen meinem meiner dein deine
    sein seine ihr ihre unser unsere euer eure in im ins an am auf aus bei mit nach von vom zu zum zur fur fuer
    uber ueber unter vor hinter neben zwischen durch gegen ohne um bis ab seit nicht kein keine keinen keinem keiner
    ja nein doch mal denn etwa eigentlich bitte danke hallo hi moin servus guten tag morgen abend liebe lieber
    man jemand etwas was wer wen wem dass das dies diese dieser diesen diesem jetzt hier da dort sehr gibt gibts
    gibt's es's bzw usw also halt ganz eben gerade
  `),
  es: words(`
    el la los las un una unos unas y e o u pero si no ni que de del a al en con por para sin sobre entre hasta desde
    hacia es son era eran fue fueron ser estar esta estan estoy estas este esto eso esa ese estos esas esos aquel
    soy eres somos he ha han has hemos haber hay habia tengo tiene tienen tienes tenemos yo tu usted ustedes el ella
    ellos ellas nosotros me te se le les lo nos mi mis su sus tus nuestro nuestra muy mas ya tambien aun todavia
    solo sólo como cuando donde quien quienes cual cuales hola buenas buenos dias tardes noches gracias porfa favor
    saludos q k xq pq porque pues entonces asi bueno vale oye alguien algo alguna alguno algun mucho mucha muchos
    tan tanto eh jaja jajaja jeje
  `),
  ru: words(`
    и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по ее её мне было вот от меня
    еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам
    ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто
    чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой
    тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот
    через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть
    том нельзя такой им более всегда конечно всю между это этих эта мои моё мое мою моей моих наш наша наши
    привет здравствуйте добрый день вечер утро спасибо пожалуйста пж пжл подскажите скажите помогите ребята
    вопрос салам ассалому алейкум хай ок окей спс вообще просто типа какие какое каких какую
  `),
  vi: words(`
    a ah ak ad oi em anh chi minh toi tui ban ho cho hoi voi va la thi ma co khong duoc gi nao vay nhe nha ne di
    cua o trong tren nhung cac mot nay do se da dang roi hay hoac neu vi de ra sao nhu khi qua lam luon chu
    xin chao cam on a oi ah uh um vang da ok dc duoc k ko kg khg hok hong mn mng moi nguoi ca nha ban oi ad
    admin ac ace a chi ah nha nhe nhi ha
  `),
};

/**
 * Russian function words in common Latin transliterations, for messages typed in Latin letters
 * ("kak poluchit …"). Also used by language detection as cues.
 */
export const RU_TRANSLIT_STOPWORDS = words(`
  i v vo ne chto cto shto on na ya s so kak a to vse vsyo vsjo ona tak ego no da ty k u zhe vy za by po ee eyo mne
  bylo vot ot menya menja eshche eshe esche eshhe net o iz emu kogda dazhe nu li esli uzhe ili ni byt byl nego do
  vas nibud opyat vam ved tam potom sebya nichego ey mozhet oni tut gde est yest nado ney dlya dlja my tebya ih chem
  byla sam bez chego raz tozhe sebe pod budet togda kto etot togo potomu etogo kakoy kakoj kakaya kakie kakuyu
  zdes etom pochti moy tem chtoby seychas sejchas byli kuda zachem vseh mozhno pri ob drugoy hot posle nad bolshe
  tot cherez eti nas pro nih mnogo eto etu eta etih moi moya moyu moey nash nasha nashi privet zdravstvuyte
  spasibo pozhaluysta pozhalujsta podskazhite skazhite pomogite rebyata salam brat bratan ok voobshe prosto tipa
`);
