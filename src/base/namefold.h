/*
 * namefold.h — folds a person's name to a coarse phonetic skeleton (lower-case a-z) so
 * that its Kazakh Cyrillic, Russian Cyrillic and Latin spellings compare equal: Айгүл,
 * Айгуль, Aigul, Aygul and Aigül all fold to "aigul". Pure: no allocation, no state.
 *
 * The folding, in three steps over one word:
 *
 * 1. Each character is lowered and mapped to Latin letters (anything not listed is dropped:
 *    digits, punctuation, apostrophes and the modifier letters ʻ ʼ, combining accents, and
 *    the letters of other scripts such as Greek, Georgian, Armenian, Arabic, CJK):
 *      vowels   а ә a ä á à â ã å ā ă ą ə                                -> a
 *               е ё ѐ э є ѣ e é è ê ë ē ė ę ě                            -> e
 *               и ѝ і й ы ї ј ӣ ӥ ӹ i ı İ ï í ì î ī į ÿ                  -> i
 *               о ө ӧ o ö ó ò ô õ ø ō ő                                  -> o
 *               у ұ ү ў ӯ ӱ u ū ü ú ù û ů ű ų ý                          -> u
 *      iotated  ю -> iu, я -> ia (ё folds as е: ICAO and everyday Russian write it so)
 *      signs    ъ -> i (ICAO writes ъ as IE before the vowel that follows), ь dropped
 *      ж җ ҷ џ ž ǰ -> j        ш ş ș š ś -> sh      щ -> sh      ч ç č ć ӵ ҹ -> ch
 *      х һ ҳ -> h    қ к ҡ ӄ -> k    ғ г ґ ҕ ğ ǵ ġ ǧ -> g    ң н ҥ ӈ ñ ń ň ņ ŋ -> n
 *      ц ţ ț -> ts   з ҙ ź ż -> z   с ҫ -> s   ł -> l   ß -> s   ř -> r   ď đ -> d   ť -> t
 *      б в д л м п р т ф -> b v d l m p r t f (d/t, b/p, v/f, z/s, g/k stay apart)
 *    ý is у in the Kazakh Latin alphabet of 2018, hence u. Ç is not among the 31 letters of
 *    2021 but is in the 2019 draft and in the Turkish-style spellings, hence ch.
 * 2. Latin digraphs and letters, left to right, longest first:
 *      shch -> sh   zh -> j   kh -> h   gh -> g   ph -> f   ch -> ch   c -> k   x -> ks
 *      y -> i   w -> v   q -> k   (sh, ts, ng and every other letter stay as they are)
 * 3. While the letters are written out:
 *      "dj" at the start of a word -> j       (Джамила = Dzhamila = Djamila = Jamila)
 *      "ie" at the start or after a vowel -> e (Yerlan = Ерлан; Alekseyev = Алексеев)
 *      a run of the same letter -> one         (Assel = Әсел; Aliia = Aliya = Алия)
 *    Words are cut at NAME_FOLD_MAX - 1 letters.
 *
 * Sources: the Kazakh Latin alphabet of January 2021 (31 letters; Ä ä, Ğ ğ, Ñ ñ, Ö ö,
 * Ş ş, Ū ū, Ü ü, I ı for і, İ i for и and й, Y y for ы, Q q for қ, J j for ж), as
 * presented by the government's National Commission on 28 January 2021 (KazTAG,
 * folkpublication.com/en/2766) and tabulated at en.wikipedia.org/wiki/Kazakh_alphabets
 * #Latin_script and in the npm package qazlatyn-db; ICAO Doc 9303 part 3 (8th edition,
 * 2021), the Cyrillic transliteration of machine-readable passports (ZH, KH, TS, CH, SH,
 * SHCH, IU, IA, Y for ы, I for и, й and і, E for е, ё and э, IE for ъ, ь dropped; its H for
 * the Ukrainian and Belarusian г is not followed: г is g here).
 *
 * Other scripts fold to their closest Latin letter where the table above lists them
 * (Uzbek oʻ gʻ lose the mark and become o g, Kyrgyz ң ө ү as in Kazakh, Tajik ӣ ӯ ҳ ҷ,
 * Ukrainian є ї ґ, Tatar and Bashkir җ ҙ ҫ ҡ); every other letter is dropped.
 *
 * Known limits (they fold apart): ң written "ng" (Zhangyl / Жаңыл), a dropped ы (Бауыржан
 * / Baurzhan), ё written "yo" (Semyon / Семён), я written "a" (Jamila / Джамиля), j for й
 * (Julia / Юлия), and қ written х (Бақыт / Бахыт).
 *
 * Prefixes: folding a prefix of a word gives a prefix of the folded word, except where the
 * cut falls inside a rule of steps 2 and 3: between the two letters of a Latin digraph
 * ("Muk" of "Mukhammed"), after the д of a leading дж, and between y, й or и and a
 * following е after a vowel ("Aleksey" of "Alekseyevna" -> "aleksei", but the whole word
 * -> "aleksevna"; "Май" of "Майер" -> "mai", but "Майер" -> "maer"). Every cut of the
 * Cyrillic words of tests/data/name-pairs.tsv keeps the prefix.
 */
#ifndef QG_NAMEFOLD_H
#define QG_NAMEFOLD_H

#include <stddef.h>

#define NAME_FOLD_MAX 48 /* bytes of one folded word, NUL included; longer words are cut */
#define NAME_WORDS_MAX 6 /* words taken from one name; more are ignored */

/* Folds one word (UTF-8, len bytes, no spaces) into its folded form in out: lower-case
 * ASCII letters a-z only, NUL-terminated. Returns the number of letters written (0 when
 * nothing foldable; out is then ""). Invalid UTF-8 bytes are skipped; nothing past len is
 * read. word may be NULL when len is 0. */
size_t name_fold_word(const char *word, size_t len, char out[NAME_FOLD_MAX]);

/* Splits a name (NUL-terminated UTF-8; several words separated by spaces, hyphens and
 * dashes, dots, commas and any other ASCII punctuation) and folds each word; words that
 * fold to nothing are skipped. Apostrophes (' ’ ‘ ` ʻ ʼ) do not split: they are dropped
 * inside the word (Мар'яна = Марьяна, G'ulom = Gʻulom). Returns the count (at most
 * NAME_WORDS_MAX; later words are ignored); NULL gives 0. */
int name_fold_words(const char *name, char out[NAME_WORDS_MAX][NAME_FOLD_MAX]);

#endif
