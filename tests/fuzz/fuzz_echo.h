/*
 * fuzz_echo.h — the "an error never repeats the input" property every fuzz target
 * checks: Qorgau's error messages are built from constants and numbers only, because
 * anything a user typed could be a child's name.
 *
 * A piece of input shorter than FUZZ_ECHO_MIN bytes is not looked for (it can be a word
 * of the fixed messages themselves: an answer "text" beside "must be text" is no echo),
 * and neither is one that could be the fixed text of a message: only letters, digits and
 * the messages' punctuation, no run of FUZZ_DIGITS_MAX digits (an IIN is always looked
 * for), and every word with a capital one of the messages' own (FUZZ_CAPITAL_WORDS, or a
 * piece of one: "XXXX-XXX" is part of "QG-XXXX-XXXX-XXXX-C"). The fuzzer learns the codes
 * and keys the code compares against (vocabulary codes like "not_complete"), which fixed
 * messages may legitimately name. A real echo repeats whatever it is given, so it is
 * still caught with any other input.
 */
#ifndef QG_FUZZ_ECHO_H
#define QG_FUZZ_ECHO_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ECHO_MIN 8

/* True when the len bytes at text occur in message. Not instrumented: the comparisons
 * would teach the fuzzer the messages' words, and it would put them into inputs. */
__attribute__((no_sanitize("coverage"))) static inline bool fuzz_occurs(const char *message,
                                                                        const char *text, size_t len)
{
    for (size_t i = 0; message[i]; i++) {
        size_t k = 0;
        while (k < len && message[i + k] && message[i + k] == text[k])
            k++;
        if (k == len)
            return true;
    }
    return false;
}

#define FUZZ_DIGITS_MAX 6

/* The words with capitals that fixed messages use. */
static const char *const FUZZ_CAPITAL_WORDS[] = {
    "QG-XXXX-XXXX-XXXX-C", "RF-XXXX-XXXX-XXXX", "XXXX-XXXX-XXXX-XXXX", "YYYY-MM-DD", "UTF-8",
    "ISO", "JSON", "CSV", "IPv4", "IPv6", "NUL", "CR", "CSRF", "IIN", "HTCDS", "FILE.csv", NULL};

/* True when the word (len bytes, no space) has no capital or is a piece of a capital
 * word of the messages. */
static inline bool fuzz_fixed_word(const char *w, size_t len)
{
    bool capital = false;
    for (size_t i = 0; i < len; i++)
        capital = capital || (w[i] >= 'A' && w[i] <= 'Z');
    for (size_t i = 0; capital && FUZZ_CAPITAL_WORDS[i]; i++)
        if (fuzz_occurs(FUZZ_CAPITAL_WORDS[i], w, len))
            return true;
    return !capital;
}

/* True when the len bytes at s could be part of a fixed message. */
static inline bool fuzz_could_be_fixed_text(const char *s, size_t len)
{
    size_t digits = 0, word = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        digits = c >= '0' && c <= '9' ? digits + 1 : 0;
        if (digits >= FUZZ_DIGITS_MAX || !(letter || digits || (c && strchr(" _-.,:;()/", c))))
            return false;
        if (c != ' ')
            continue;
        if (!fuzz_fixed_word(s + word, i - word))
            return false;
        word = i + 1;
    }
    return fuzz_fixed_word(s + word, len - word);
}

/* Aborts (a finding) when text (len bytes) is long enough and occurs in message. */
static inline void fuzz_assert_no_echo(const char *message, const char *text, size_t len)
{
    if (len >= FUZZ_ECHO_MIN && message && !fuzz_could_be_fixed_text(text, len) &&
        fuzz_occurs(message, text, len))
        abort();
}

/* Aborts when an error's field is not made of the bytes field names are made of
 * (lower-case letters, digits, '_', '.', '[' and ']'): a key the sender chose is never
 * named back, since it could hold a name. */
static inline void fuzz_assert_plain_field(const char *field)
{
    if (strspn(field, "abcdefghijklmnopqrstuvwxyz0123456789_.[]") != strlen(field))
        abort();
}

#endif
