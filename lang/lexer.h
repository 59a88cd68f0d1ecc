/* lexer.h -- source bytes to tokens, one at a time, on the parser's demand.
**
** The lexer never allocates and never reads past `len`: the source may hold
** NUL bytes and invalid UTF-8 (strings are byte sequences). Tokens point
** into the source; a TOK_ERROR token carries its message instead, and the
** lexer remembers where in the source the error is (err_pos) for the
** diagnostics. Lexemes are kept raw: the parser converts numbers
** (lex_number) and decodes string escapes (lex_decode_string), which the
** lexer has already validated.
*/
#ifndef LX_LEXER_H
#define LX_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include "lang/token.h"

typedef struct {
    const char *start;    /* first byte of the token being scanned */
    const char *cur;      /* next byte to look at */
    const char *end;      /* one past the last byte of the source */
    int line;
    /* Set with every TOK_ERROR: where the error is, and whether it runs to
    ** the end of the input (an unterminated string), which makes the REPL
    ** ask for more input instead of reporting it. */
    const char *err_pos;
    bool err_to_end;
} Lexer;

void lex_init(Lexer *lx, const char *src, size_t len);
Token lex_next(Lexer *lx);

/* The value of a NUMBER lexeme (decimal with optional fraction and
** exponent, or 0x hex), rounded to the nearest double as strtod does. */
double lex_number(const Token *tok);

/* Decode the body of a STRING token (its lexeme without the quotes) into
** out, which needs room for body_len bytes; returns the decoded length.
** The lexer has rejected every invalid escape, so this cannot fail. */
int lex_decode_string(const char *body, int body_len, char *out);

#endif
