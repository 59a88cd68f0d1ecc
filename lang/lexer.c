/* lexer.c -- the scanner: clox's hand-written scanner, extended with the
** tokens, number forms and string escapes of LANGUAGE.md section 2.
**
** Scanner errors are TOK_ERROR tokens whose start/len is the message; the
** parser reports them as `[line N] Error: MESSAGE`.
*/
#define _GNU_SOURCE /* strtod_l, newlocale: number parsing independent of setlocale */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lexer.h"

const char *const token_names[TOK__COUNT] = {
#define LX_TOKEN_NAME(name) #name,
    LX_TOKENS(LX_TOKEN_NAME)
#undef LX_TOKEN_NAME
};

/* -- Character classes ------------------------------------------------ */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int hex_value(char c)
{
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

/* -- Cursor ----------------------------------------------------------- */

void lex_init(Lexer *lx, const char *src, size_t len)
{
    lx->start = lx->cur = src;
    lx->end = src + len;
    lx->line = 1;
    lx->err_pos = NULL;
    lx->err_to_end = false;
    /* A `#!` first line is skipped but still counts as line 1: the newline
    ** that ends it is left for skip_space, which counts it. */
    if (len >= 2 && src[0] == '#' && src[1] == '!') {
        while (lx->cur < lx->end && *lx->cur != '\n') lx->cur++;
    }
}

static bool at_end(const Lexer *lx) { return lx->cur >= lx->end; }
static char peek(const Lexer *lx) { return at_end(lx) ? '\0' : *lx->cur; }

static char peek_at(const Lexer *lx, int n)
{
    return lx->end - lx->cur > n ? lx->cur[n] : '\0';
}

static bool match(Lexer *lx, char c)
{
    if (at_end(lx) || *lx->cur != c) return false;
    lx->cur++;
    return true;
}

static Token make(const Lexer *lx, TokenKind kind)
{
    Token t;
    t.kind = kind;
    t.start = lx->start;
    t.len = (int)(lx->cur - lx->start);
    t.line = lx->line;
    return t;
}

static Token error_token(Lexer *lx, const char *msg, const char *pos, int line,
                         bool to_end)
{
    Token t;
    t.kind = TOK_ERROR;
    t.start = msg;
    t.len = (int)strlen(msg);
    t.line = line;
    lx->err_pos = pos;
    lx->err_to_end = to_end;
    return t;
}

static void skip_space(Lexer *lx)
{
    while (!at_end(lx)) {
        switch (*lx->cur) {
        case ' ': case '\r': case '\t':
            lx->cur++;
            break;
        case '\n':
            lx->line++;
            lx->cur++;
            break;
        case '/':
            if (peek_at(lx, 1) != '/') return;
            while (!at_end(lx) && *lx->cur != '\n') lx->cur++;
            break;
        default:
            return;
        }
    }
}

/* -- Literals --------------------------------------------------------- */

/* Hex `0x1F` needs at least one hex digit after the x; an exponent needs at
** least one digit after the e and its sign. Otherwise the number ends
** before the x or e, as `123.` ends before the dot in clox. */
static Token number(Lexer *lx)
{
    if (lx->start[0] == '0' && (peek(lx) == 'x' || peek(lx) == 'X') &&
        is_hex(peek_at(lx, 1))) {
        lx->cur++;
        while (is_hex(peek(lx))) lx->cur++;
        return make(lx, TOK_NUMBER);
    }
    while (is_digit(peek(lx))) lx->cur++;
    if (peek(lx) == '.' && is_digit(peek_at(lx, 1))) {
        lx->cur++;
        while (is_digit(peek(lx))) lx->cur++;
    }
    if (peek(lx) == 'e' || peek(lx) == 'E') {
        int n = 1;
        if (peek_at(lx, 1) == '+' || peek_at(lx, 1) == '-') n = 2;
        if (is_digit(peek_at(lx, n))) {
            lx->cur += n;
            while (is_digit(peek(lx))) lx->cur++;
        }
    }
    return make(lx, TOK_NUMBER);
}

/* Length of the escape sequence starting at the backslash p (limit is the
** end of the source), or 0 when it is invalid. */
static int escape_len(const char *p, const char *limit)
{
    if (limit - p < 2) return 0;
    switch (p[1]) {
    case 'n': case 't': case 'r': case '\\': case '"': case '0':
        return 2;
    case 'x':
        return limit - p >= 4 && is_hex(p[2]) && is_hex(p[3]) ? 4 : 0;
    default:
        return 0;
    }
}

/* Strings may span lines; the token's line is the line of the closing
** quote (clox does the same). An invalid escape does not stop the scan:
** the whole string is consumed so the parser resumes after it, and the
** error names the line of the first bad escape. */
static Token string(Lexer *lx)
{
    const char *bad = NULL;
    int bad_line = 0;
    while (!at_end(lx) && *lx->cur != '"') {
        if (*lx->cur == '\n') {
            lx->line++;
        } else if (*lx->cur == '\\') {
            int n = escape_len(lx->cur, lx->end);
            if (n == 0) {
                if (!bad) {
                    bad = lx->cur;
                    bad_line = lx->line;
                }
                /* Skip the escaped byte too, so `\"` never ends the string
                ** even when the escape as a whole is rejected. */
                n = lx->end - lx->cur >= 2 && lx->cur[1] != '\n' ? 2 : 1;
            }
            lx->cur += n;
            continue;
        }
        lx->cur++;
    }
    if (at_end(lx))
        return error_token(lx, "Unterminated string.", lx->cur, lx->line, true);
    lx->cur++; /* the closing quote */
    if (bad)
        return error_token(lx, "Invalid escape sequence.", bad, bad_line, false);
    return make(lx, TOK_STRING);
}

/* -- Identifiers and keywords ----------------------------------------- */

static const struct { const char *text; TokenKind kind; } keywords[] = {
    {"and", TOK_AND},       {"break", TOK_BREAK},   {"class", TOK_CLASS},
    {"continue", TOK_CONTINUE}, {"else", TOK_ELSE}, {"false", TOK_FALSE},
    {"for", TOK_FOR},       {"fun", TOK_FUN},       {"if", TOK_IF},
    {"import", TOK_IMPORT}, {"in", TOK_IN},         {"nil", TOK_NIL},
    {"or", TOK_OR},         {"print", TOK_PRINT},   {"return", TOK_RETURN},
    {"super", TOK_SUPER},   {"this", TOK_THIS},     {"true", TOK_TRUE},
    {"var", TOK_VAR},       {"while", TOK_WHILE},
};

static TokenKind ident_kind(const char *s, int len)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if ((int)strlen(keywords[i].text) == len &&
            memcmp(keywords[i].text, s, (size_t)len) == 0)
            return keywords[i].kind;
    }
    return TOK_IDENTIFIER;
}

static Token identifier(Lexer *lx)
{
    while (is_alpha(peek(lx)) || is_digit(peek(lx))) lx->cur++;
    return make(lx, ident_kind(lx->start, (int)(lx->cur - lx->start)));
}

/* -- The scanner ------------------------------------------------------ */

/* Operators that may be followed by `=` to form a second token. */
static Token maybe_equal(Lexer *lx, TokenKind plain, TokenKind with_equal)
{
    return make(lx, match(lx, '=') ? with_equal : plain);
}

Token lex_next(Lexer *lx)
{
    skip_space(lx);
    lx->start = lx->cur;
    if (at_end(lx)) return make(lx, TOK_EOF);

    char c = *lx->cur++;
    if (is_alpha(c)) return identifier(lx);
    if (is_digit(c)) return number(lx);
    switch (c) {
    case '(': return make(lx, TOK_LEFT_PAREN);
    case ')': return make(lx, TOK_RIGHT_PAREN);
    case '{': return make(lx, TOK_LEFT_BRACE);
    case '}': return make(lx, TOK_RIGHT_BRACE);
    case '[': return make(lx, TOK_LEFT_BRACKET);
    case ']': return make(lx, TOK_RIGHT_BRACKET);
    case ';': return make(lx, TOK_SEMICOLON);
    case ':': return make(lx, TOK_COLON);
    case ',': return make(lx, TOK_COMMA);
    case '.': return make(lx, TOK_DOT);
    case '-': return maybe_equal(lx, TOK_MINUS, TOK_MINUS_EQUAL);
    case '+': return maybe_equal(lx, TOK_PLUS, TOK_PLUS_EQUAL);
    case '/': return maybe_equal(lx, TOK_SLASH, TOK_SLASH_EQUAL);
    case '*': return maybe_equal(lx, TOK_STAR, TOK_STAR_EQUAL);
    case '%': return maybe_equal(lx, TOK_PERCENT, TOK_PERCENT_EQUAL);
    case '!': return maybe_equal(lx, TOK_BANG, TOK_BANG_EQUAL);
    case '=': return maybe_equal(lx, TOK_EQUAL, TOK_EQUAL_EQUAL);
    case '<': return maybe_equal(lx, TOK_LESS, TOK_LESS_EQUAL);
    case '>': return maybe_equal(lx, TOK_GREATER, TOK_GREATER_EQUAL);
    case '"': return string(lx);
    default:
        return error_token(lx, "Unexpected character.", lx->start, lx->line, false);
    }
}

/* -- Lexeme conversion (used by the parser) --------------------------- */

double lex_number(const Token *tok)
{
    /* strtod needs a terminated copy; glibc's strtod parses both the
    ** decimal and the 0x forms with correct rounding. It runs in the C
    ** locale whatever setlocale() said, so `1.5` never reads as `1`. */
    static locale_t c_locale;
    if (!c_locale) c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    char small[64];
    char *buf = tok->len < (int)sizeof small ? small : malloc((size_t)tok->len + 1);
    if (!buf) return 0;
    memcpy(buf, tok->start, (size_t)tok->len);
    buf[tok->len] = '\0';
    double d = c_locale ? strtod_l(buf, NULL, c_locale) : strtod(buf, NULL);
    if (buf != small) free(buf);
    return d;
}

int lex_decode_string(const char *body, int body_len, char *out)
{
    int n = 0;
    for (int i = 0; i < body_len; i++) {
        char c = body[i];
        if (c != '\\' || i + 1 >= body_len) {
            out[n++] = c;
            continue;
        }
        char e = body[++i];
        switch (e) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case '0': out[n++] = '\0'; break;
        case 'x':
            if (i + 2 < body_len && is_hex(body[i + 1]) && is_hex(body[i + 2])) {
                out[n++] = (char)(hex_value(body[i + 1]) * 16 + hex_value(body[i + 2]));
                i += 2;
            } else {
                out[n++] = 'x';
            }
            break;
        default: out[n++] = e; break; /* `\\` and `\"` */
        }
    }
    return n;
}
