/* test_lexer.c -- the scanner: tokens, number forms, string escapes,
** scanner errors, `#!`, comments, NUL bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "lang/lexer.h"

#define MAXTOK 64

typedef struct {
    Token toks[MAXTOK];
    const char *err_pos[MAXTOK];
    bool err_to_end[MAXTOK];
    int n;
} Lexed;

/* Lexes src (len bytes) up to and including EOF. */
static void lex_all(Lexed *out, const char *src, size_t len)
{
    Lexer lx;
    lex_init(&lx, src, len);
    out->n = 0;
    for (;;) {
        assert_true(out->n < MAXTOK);
        Token t = lex_next(&lx);
        out->err_pos[out->n] = t.kind == TOK_ERROR ? lx.err_pos : NULL;
        out->err_to_end[out->n] = t.kind == TOK_ERROR && lx.err_to_end;
        out->toks[out->n++] = t;
        if (t.kind == TOK_EOF) break;
    }
}

static void lex_str(Lexed *out, const char *src) { lex_all(out, src, strlen(src)); }

static void assert_kinds(const Lexed *l, const TokenKind *kinds, int n)
{
    for (int i = 0; i < n && i < l->n; i++) {
        if (l->toks[i].kind != kinds[i])
            fail_msg("token %d: got %s, want %s", i, token_names[l->toks[i].kind],
                     token_names[kinds[i]]);
    }
    assert_int_equal(l->n, n);
}

#define KINDS(l, ...)                                                       \
    do {                                                                    \
        const TokenKind k_[] = {__VA_ARGS__};                               \
        assert_kinds((l), k_, (int)(sizeof k_ / sizeof k_[0]));             \
    } while (0)

static void assert_lexeme(const Token *t, const char *want)
{
    if ((size_t)t->len != strlen(want) || memcmp(t->start, want, strlen(want)) != 0)
        fail_msg("lexeme '%.*s', want '%s'", t->len, t->start, want);
}

static void assert_error(const Token *t, const char *msg)
{
    assert_int_equal(t->kind, TOK_ERROR);
    assert_lexeme(t, msg);
}

/* -- Tokens ------------------------------------------------------------ */

static void test_punctuation(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "(){}[],.;:");
    KINDS(&l, TOK_LEFT_PAREN, TOK_RIGHT_PAREN, TOK_LEFT_BRACE, TOK_RIGHT_BRACE,
          TOK_LEFT_BRACKET, TOK_RIGHT_BRACKET, TOK_COMMA, TOK_DOT, TOK_SEMICOLON,
          TOK_COLON, TOK_EOF);
}

static void test_operators(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "- + / * % -= += /= *= %= ! != = == > >= < <= +== ===");
    KINDS(&l, TOK_MINUS, TOK_PLUS, TOK_SLASH, TOK_STAR, TOK_PERCENT, TOK_MINUS_EQUAL,
          TOK_PLUS_EQUAL, TOK_SLASH_EQUAL, TOK_STAR_EQUAL, TOK_PERCENT_EQUAL, TOK_BANG,
          TOK_BANG_EQUAL, TOK_EQUAL, TOK_EQUAL_EQUAL, TOK_GREATER, TOK_GREATER_EQUAL,
          TOK_LESS, TOK_LESS_EQUAL, TOK_PLUS_EQUAL, TOK_EQUAL, TOK_EQUAL_EQUAL, TOK_EQUAL,
          TOK_EOF);
}

static void test_keywords(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "and break class continue else false for fun if import in nil or "
                "print return super this true var while");
    KINDS(&l, TOK_AND, TOK_BREAK, TOK_CLASS, TOK_CONTINUE, TOK_ELSE, TOK_FALSE, TOK_FOR,
          TOK_FUN, TOK_IF, TOK_IMPORT, TOK_IN, TOK_NIL, TOK_OR, TOK_PRINT, TOK_RETURN,
          TOK_SUPER, TOK_THIS, TOK_TRUE, TOK_VAR, TOK_WHILE, TOK_EOF);
}

static void test_identifiers(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "breakfast _x1 inn In iff classy A_b9");
    KINDS(&l, TOK_IDENTIFIER, TOK_IDENTIFIER, TOK_IDENTIFIER, TOK_IDENTIFIER,
          TOK_IDENTIFIER, TOK_IDENTIFIER, TOK_IDENTIFIER, TOK_EOF);
    assert_lexeme(&l.toks[0], "breakfast");
    assert_lexeme(&l.toks[1], "_x1");
    assert_lexeme(&l.toks[6], "A_b9");
}

static void test_token_names(void **state)
{
    (void)state;
    assert_string_equal(token_names[TOK_LEFT_PAREN], "LEFT_PAREN");
    assert_string_equal(token_names[TOK_PERCENT_EQUAL], "PERCENT_EQUAL");
    assert_string_equal(token_names[TOK_IMPORT], "IMPORT");
    assert_string_equal(token_names[TOK_EOF], "EOF");
}

static void test_lines_and_comments(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "a // comment ( \" unterminated\nb / c\n\n// last");
    KINDS(&l, TOK_IDENTIFIER, TOK_IDENTIFIER, TOK_SLASH, TOK_IDENTIFIER, TOK_EOF);
    assert_int_equal(l.toks[0].line, 1);
    assert_int_equal(l.toks[1].line, 2);
    assert_int_equal(l.toks[3].line, 2);
    assert_int_equal(l.toks[4].line, 4);
}

static void test_eof_repeats(void **state)
{
    (void)state;
    Lexer lx;
    lex_init(&lx, "x", 1);
    assert_int_equal(lex_next(&lx).kind, TOK_IDENTIFIER);
    assert_int_equal(lex_next(&lx).kind, TOK_EOF);
    assert_int_equal(lex_next(&lx).kind, TOK_EOF);
}

/* -- Numbers ----------------------------------------------------------- */

static double num_of(const char *src)
{
    Lexed l;
    lex_str(&l, src);
    assert_int_equal(l.toks[0].kind, TOK_NUMBER);
    assert_int_equal(l.toks[0].len, (int)strlen(src));
    return lex_number(&l.toks[0]);
}

static void test_number_forms(void **state)
{
    (void)state;
    assert_true(num_of("123") == 123.0);
    assert_true(num_of("1.5") == 1.5);
    assert_true(num_of("1e9") == 1e9);
    assert_true(num_of("2.5e-3") == 2.5e-3);
    assert_true(num_of("1E+3") == 1000.0);
    assert_true(num_of("0xff") == 255.0);
    assert_true(num_of("0XFF") == 255.0);
    assert_true(num_of("0x0") == 0.0);
    assert_true(num_of("0.1") == 0.1);
    assert_true(num_of("1e400") == INFINITY);
    /* Hex beyond 2^53 rounds to nearest-even, as strtod does. */
    assert_true(num_of("0x20000000000001") == 9007199254740992.0);
    assert_true(num_of("0x20000000000003") == 9007199254740996.0);
    assert_true(num_of("0xFFFFFFFFFFFFFFFFF") == 295147905179352825856.0);
    /* A long decimal lexeme (past the small buffer). */
    assert_true(num_of("1000000000000000000000000000000000000000000000000000000000000000000000") ==
                1e69);
}

static void test_number_edges(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "123.");
    KINDS(&l, TOK_NUMBER, TOK_DOT, TOK_EOF);
    assert_lexeme(&l.toks[0], "123");
    lex_str(&l, ".5");
    KINDS(&l, TOK_DOT, TOK_NUMBER, TOK_EOF);
    lex_str(&l, "1e");
    KINDS(&l, TOK_NUMBER, TOK_IDENTIFIER, TOK_EOF);
    assert_lexeme(&l.toks[0], "1");
    lex_str(&l, "1e+");
    KINDS(&l, TOK_NUMBER, TOK_IDENTIFIER, TOK_PLUS, TOK_EOF);
    lex_str(&l, "0x");
    KINDS(&l, TOK_NUMBER, TOK_IDENTIFIER, TOK_EOF);
    assert_lexeme(&l.toks[0], "0");
    lex_str(&l, "0xg");
    KINDS(&l, TOK_NUMBER, TOK_IDENTIFIER, TOK_EOF);
    lex_str(&l, "1.5.x");
    KINDS(&l, TOK_NUMBER, TOK_DOT, TOK_IDENTIFIER, TOK_EOF);
    assert_lexeme(&l.toks[0], "1.5");
    lex_str(&l, "12abc");
    KINDS(&l, TOK_NUMBER, TOK_IDENTIFIER, TOK_EOF);
    lex_str(&l, "-1");
    KINDS(&l, TOK_MINUS, TOK_NUMBER, TOK_EOF);
    lex_str(&l, "1.e5");
    KINDS(&l, TOK_NUMBER, TOK_DOT, TOK_IDENTIFIER, TOK_EOF);
}

/* -- Strings ----------------------------------------------------------- */

/* The decoded value of the one string literal in src. */
static void assert_decodes(const char *src, const char *want, int want_len)
{
    Lexed l;
    lex_str(&l, src);
    assert_int_equal(l.toks[0].kind, TOK_STRING);
    char buf[256];
    int n = lex_decode_string(l.toks[0].start + 1, l.toks[0].len - 2, buf);
    assert_int_equal(n, want_len);
    assert_memory_equal(buf, want, (size_t)want_len);
}

static void test_string_escapes(void **state)
{
    (void)state;
    assert_decodes("\"plain\"", "plain", 5);
    assert_decodes("\"\"", "", 0);
    assert_decodes("\"a\\nb\\tc\\rd\"", "a\nb\tc\rd", 7);
    assert_decodes("\"\\\\ \\\"q\\\"\"", "\\ \"q\"", 5);
    assert_decodes("\"x\\0y\"", "x\0y", 3);
    assert_decodes("\"\\x41\\x7a\\xFF\\x0a\"", "Az\xff\n", 4);
}

static void test_string_lexeme_and_lines(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "\"a\nb\nc\" x");
    KINDS(&l, TOK_STRING, TOK_IDENTIFIER, TOK_EOF);
    assert_lexeme(&l.toks[0], "\"a\nb\nc\"");
    assert_int_equal(l.toks[0].line, 3); /* the closing quote's line, as clox */
    assert_int_equal(l.toks[1].line, 3);
    /* An escaped quote does not end the string. */
    lex_str(&l, "\"a\\\"b\";");
    KINDS(&l, TOK_STRING, TOK_SEMICOLON, TOK_EOF);
}

static void test_invalid_escapes(void **state)
{
    (void)state;
    const char *bad[] = {"\"\\q\"", "\"\\x4\"", "\"\\xZZ\"", "\"\\x\"", "\"\\ \"", "\"\\a\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Lexed l;
        lex_str(&l, bad[i]);
        /* The whole string is consumed: the next token is EOF. */
        KINDS(&l, TOK_ERROR, TOK_EOF);
        assert_error(&l.toks[0], "Invalid escape sequence.");
        assert_ptr_equal(l.err_pos[0], bad[i] + 1);
        assert_false(l.err_to_end[0]);
    }
    /* The error names the line of the (first) bad escape; lexing goes on
    ** after the string with the right line. */
    const char *src = "x \"one\ntwo \\q\nthree \\z\" y";
    Lexed l;
    lex_str(&l, src);
    KINDS(&l, TOK_IDENTIFIER, TOK_ERROR, TOK_IDENTIFIER, TOK_EOF);
    assert_int_equal(l.toks[1].line, 2);
    assert_ptr_equal(l.err_pos[1], strchr(src, '\\'));
    assert_int_equal(l.toks[2].line, 3);
    /* `\"` inside a string with a bad escape still does not end it. */
    lex_str(&l, "\"\\q \\\" still\" z");
    KINDS(&l, TOK_ERROR, TOK_IDENTIFIER, TOK_EOF);
}

static void test_unterminated(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "print \"abc\ndef");
    KINDS(&l, TOK_PRINT, TOK_ERROR, TOK_EOF);
    assert_error(&l.toks[1], "Unterminated string.");
    assert_int_equal(l.toks[1].line, 2);
    assert_true(l.err_to_end[1]);
    lex_str(&l, "\"ends with backslash\\");
    KINDS(&l, TOK_ERROR, TOK_EOF);
    assert_error(&l.toks[0], "Unterminated string.");
}

static void test_unexpected_character(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "a | b # @ $ ~");
    KINDS(&l, TOK_IDENTIFIER, TOK_ERROR, TOK_IDENTIFIER, TOK_ERROR, TOK_ERROR, TOK_ERROR,
          TOK_ERROR, TOK_EOF);
    assert_error(&l.toks[1], "Unexpected character.");
    assert_int_equal(l.toks[1].line, 1);
}

/* -- Bytes ------------------------------------------------------------- */

static void test_nul_and_invalid_utf8(void **state)
{
    (void)state;
    Lexed l;
    static const char s1[] = "\"a\0b\xff\xfe\" // c\0d\xc3\n x";
    lex_all(&l, s1, sizeof s1 - 1);
    KINDS(&l, TOK_STRING, TOK_IDENTIFIER, TOK_EOF);
    assert_int_equal(l.toks[0].len, 7);
    assert_int_equal(l.toks[1].line, 2);
    /* A NUL or a stray high byte outside strings is an unexpected character,
    ** and the lexer does not stop at a NUL. */
    static const char s2[] = "a\0b\x80";
    lex_all(&l, s2, sizeof s2 - 1);
    KINDS(&l, TOK_IDENTIFIER, TOK_ERROR, TOK_IDENTIFIER, TOK_ERROR, TOK_EOF);
    /* The lexer never reads past len, even inside a token. */
    lex_all(&l, "abc\"xyz", 5);
    KINDS(&l, TOK_IDENTIFIER, TOK_ERROR, TOK_EOF);
    assert_error(&l.toks[1], "Unterminated string.");
    lex_all(&l, "0x1f", 2);
    KINDS(&l, TOK_NUMBER, TOK_IDENTIFIER, TOK_EOF);
}

static void test_shebang(void **state)
{
    (void)state;
    Lexed l;
    lex_str(&l, "#!/usr/bin/env loxjit ( \" \nprint");
    KINDS(&l, TOK_PRINT, TOK_EOF);
    assert_int_equal(l.toks[0].line, 2);
    lex_str(&l, "#!only");
    KINDS(&l, TOK_EOF);
    assert_int_equal(l.toks[0].line, 1);
    /* Only on the first line. */
    lex_str(&l, "\n#!x");
    assert_int_equal(l.toks[0].kind, TOK_ERROR);
    lex_str(&l, " #!x");
    assert_int_equal(l.toks[0].kind, TOK_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_punctuation),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_keywords),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_token_names),
        cmocka_unit_test(test_lines_and_comments),
        cmocka_unit_test(test_eof_repeats),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_number_edges),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_string_lexeme_and_lines),
        cmocka_unit_test(test_invalid_escapes),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_unexpected_character),
        cmocka_unit_test(test_nul_and_invalid_utf8),
        cmocka_unit_test(test_shebang),
    };
    return cmocka_run_group_tests_name("lexer", tests, NULL, NULL);
}
