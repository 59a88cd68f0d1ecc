/* token.h -- token kinds and the Token the lexer hands to the parser.
**
** LX_TOKENS is the one list of token kinds; the enum and the names used by
** the unit tests and debug dumps expand it. A Token points into the source
** buffer, which must outlive every Token and AST node made from it.
*/
#ifndef LX_TOKEN_H
#define LX_TOKEN_H

#include <stddef.h>

#define LX_TOKENS(X)                                                         \
    /* Punctuation. */                                                       \
    X(LEFT_PAREN) X(RIGHT_PAREN) X(LEFT_BRACE) X(RIGHT_BRACE)                \
    X(LEFT_BRACKET) X(RIGHT_BRACKET) X(COMMA) X(DOT) X(SEMICOLON) X(COLON)   \
    /* Operators; the compound ones follow their base operator's order. */   \
    X(MINUS) X(PLUS) X(SLASH) X(STAR) X(PERCENT)                             \
    X(MINUS_EQUAL) X(PLUS_EQUAL) X(SLASH_EQUAL) X(STAR_EQUAL)                \
    X(PERCENT_EQUAL)                                                         \
    X(BANG) X(BANG_EQUAL) X(EQUAL) X(EQUAL_EQUAL)                            \
    X(GREATER) X(GREATER_EQUAL) X(LESS) X(LESS_EQUAL)                        \
    /* Literals. */                                                          \
    X(IDENTIFIER) X(STRING) X(NUMBER)                                        \
    /* Keywords. */                                                          \
    X(AND) X(BREAK) X(CLASS) X(CONTINUE) X(ELSE) X(FALSE) X(FOR) X(FUN)      \
    X(IF) X(IMPORT) X(IN) X(NIL) X(OR) X(PRINT) X(RETURN) X(SUPER) X(THIS)   \
    X(TRUE) X(VAR) X(WHILE)                                                  \
    /* ERROR carries a scanner message in start/len; EOF ends the stream. */ \
    X(ERROR) X(EOF)

typedef enum {
#define LX_TOKEN_ENUM(name) TOK_##name,
    LX_TOKENS(LX_TOKEN_ENUM)
#undef LX_TOKEN_ENUM
    TOK__COUNT
} TokenKind;

typedef struct {
    TokenKind kind;
    const char *start; /* into the source; for TOK_ERROR, the message */
    int len;
    int line;
} Token;

extern const char *const token_names[TOK__COUNT];

#endif
