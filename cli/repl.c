/* repl.c -- the interactive loop on GNU readline (cli/repl.h).
**
** Readline runs in its callback mode, so this file owns the wait for input
** and can tell Ctrl-C (drop the entry, new prompt) from a line. Our SIGINT
** handler is installed only while waiting for a line: during evaluation
** Ctrl-C keeps its default meaning and stops a runaway program.
*/
#define _GNU_SOURCE
#include "cli/repl.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "lang/token.h"
#include "vm/object.h"

#define HISTORY_FILE ".loxjit_history"
#define HISTORY_MAX 1000

/* -- The entry being typed ---------------------------------------------- */

static void input_add(ReplInput *in, const char *s, size_t n)
{
    if (in->len + n + 1 > in->cap) {
        size_t cap = in->cap ? in->cap : 256;
        while (cap < in->len + n + 1)
            cap *= 2;
        char *text = realloc(in->text, cap);
        if (!text) {
            fputs("loxjit: out of memory\n", stderr);
            exit(70);
        }
        in->text = text;
        in->cap = cap;
    }
    memcpy(in->text + in->len, s, n);
    in->len += n;
    in->text[in->len] = '\0';
}

static bool input_blank(const ReplInput *in)
{
    for (size_t i = 0; i < in->len; i++)
        if (!isspace((unsigned char)in->text[i]))
            return false;
    return true;
}

void repl_reset(ReplInput *in)
{
    in->len = 0;
    if (in->text)
        in->text[0] = '\0';
}

void repl_input_free(ReplInput *in)
{
    free(in->text);
    *in = (ReplInput){0};
}

ReplStatus repl_feed(ReplInput *in, const char *line, ReplEval eval, void *ctx,
                     LxResult *result)
{
    *result = LX_OK;
    input_add(in, line, strlen(line));
    input_add(in, "\n", 1);
    if (input_blank(in)) {
        repl_reset(in);
        return REPL_DONE;
    }
    bool incomplete = false;
    LxResult r = eval(ctx, in->text, in->len, &incomplete);
    if (incomplete)
        return REPL_MORE;
    *result = r;
    repl_reset(in);
    return REPL_DONE;
}

/* -- Tab completion ----------------------------------------------------- */

/* Readline's callbacks take no context pointer. */
static VM *completion_vm;

static const char *const token_spellings[TOK__COUNT] = {
#define TOKEN_SPELLING(name) #name,
    LX_TOKENS(TOKEN_SPELLING)
#undef TOKEN_SPELLING
};
_Static_assert(TOK_AND < TOK_WHILE, "the keywords run from AND to WHILE in LX_TOKENS");

typedef struct {
    char **items;
    int count, cap;
} Candidates;

static void cand_add(Candidates *c, const char *prefix, size_t plen, const char *name,
                     size_t nlen)
{
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        char **items = realloc(c->items, sizeof(char *) * (size_t)c->cap);
        if (!items)
            return;
        c->items = items;
    }
    char *s = malloc(plen + nlen + 1);
    if (!s)
        return;
    memcpy(s, prefix, plen);
    memcpy(s + plen, name, nlen);
    s[plen + nlen] = '\0';
    c->items[c->count++] = s;
}

/* Names in t starting with word[0..wlen), each prefixed with `prefix`. */
static void cand_table(Candidates *c, const Table *t, const char *prefix, size_t plen,
                       const char *word, size_t wlen)
{
    if (!t->entries)
        return;
    for (uint32_t i = 0; i <= t->mask; i++) {
        ObjString *k = t->entries[i].key;
        if (k && k->len >= wlen && memcmp(k->chars, word, wlen) == 0)
            cand_add(c, prefix, plen, k->chars, k->len);
    }
}

static Value global_named(VM *vm, const char *name, size_t len)
{
    for (uint32_t i = 0; i < vm->nglobals; i++) {
        ObjString *n = vm->global_names[i];
        if (n && n->len == len && memcmp(n->chars, name, len) == 0)
            return vm->globals[i];
    }
    return UNDEF_VAL;
}

/* "obj.pre": the members of the global `obj` that start with "pre". */
static void cand_members(Candidates *c, VM *vm, const char *text, const char *dot)
{
    Value v = global_named(vm, text, (size_t)(dot - text));
    size_t plen = (size_t)(dot - text) + 1;
    const char *word = dot + 1;
    size_t wlen = strlen(word);
    if (!is_obj(v))
        return;
    switch ((ObjType)as_obj(v)->type) {
    case OBJ_MODULE:
        cand_table(c, &AS_MODULE(v)->members, text, plen, word, wlen);
        break;
    case OBJ_INSTANCE:
        cand_table(c, &AS_INSTANCE(v)->fields, text, plen, word, wlen);
        cand_table(c, &AS_INSTANCE(v)->klass->methods, text, plen, word, wlen);
        break;
    case OBJ_CLASS:
        cand_table(c, &AS_CLASS(v)->methods, text, plen, word, wlen);
        break;
    case OBJ_LIST:
        cand_table(c, &vm->list_methods, text, plen, word, wlen);
        break;
    case OBJ_MAP:
        cand_table(c, &vm->map_methods, text, plen, word, wlen);
        break;
    case OBJ_STRING:
        cand_table(c, &vm->string_methods, text, plen, word, wlen);
        break;
    default:
        break;
    }
}

static void cand_names(Candidates *c, VM *vm, const char *text)
{
    size_t wlen = strlen(text);
    for (int k = TOK_AND; k <= TOK_WHILE; k++) {
        char kw[16];
        size_t n = strlen(token_spellings[k]);
        if (n >= sizeof kw)
            continue;
        for (size_t i = 0; i <= n; i++)
            kw[i] = (char)tolower((unsigned char)token_spellings[k][i]);
        if (n >= wlen && memcmp(kw, text, wlen) == 0)
            cand_add(c, "", 0, kw, n);
    }
    for (uint32_t i = 0; i < vm->nglobals; i++) {
        ObjString *n = vm->global_names[i];
        if (n && vm->globals[i] != UNDEF_VAL && n->len >= wlen &&
            memcmp(n->chars, text, wlen) == 0)
            cand_add(c, "", 0, n->chars, n->len);
    }
}

/* Readline asks with state 0 first, then for the next match until NULL;
** each returned string becomes readline's to free. */
static char *completion_next(const char *text, int state)
{
    static Candidates cands;
    static int next;
    if (state == 0) {
        for (int i = next; i < cands.count; i++)
            free(cands.items[i]);
        cands.count = 0;
        next = 0;
        const char *dot = strrchr(text, '.');
        if (dot)
            cand_members(&cands, completion_vm, text, dot);
        else
            cand_names(&cands, completion_vm, text);
    }
    return next < cands.count ? cands.items[next++] : NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    rl_completion_append_character = '\0'; /* reset by readline each time */
    return rl_completion_matches(text, completion_next);
}

/* -- History ------------------------------------------------------------ */

static char *history_path;  /* NULL: no history file (HOME unset) */
static int history_added;   /* entries added this session */

static void history_save(void)
{
    if (!history_path || history_added == 0)
        return;
    int n = history_added < history_length ? history_added : history_length;
    if (access(history_path, F_OK) == 0)
        append_history(n, history_path);
    else
        write_history(history_path);
    history_truncate_file(history_path, HISTORY_MAX);
    history_added = 0;
}

static void history_open(void)
{
    using_history();
    stifle_history(HISTORY_MAX);
    const char *home = getenv("HOME");
    if (!home || !*home)
        return;
    if (asprintf(&history_path, "%s/%s", home, HISTORY_FILE) < 0) {
        history_path = NULL;
        return;
    }
    read_history(history_path); /* a missing file is fine */
    atexit(history_save);       /* also when the script calls exit() */
}

static void history_note(const char *line)
{
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return;
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
    if (last && strcmp(last->line, line) == 0)
        return;
    add_history(line);
    history_added++;
}

/* -- Reading a line ----------------------------------------------------- */

static volatile sig_atomic_t got_sigint, got_sigwinch;
static char *cb_line;
static bool cb_done;

static void on_signal(int sig)
{
    if (sig == SIGINT)
        got_sigint = 1;
    else
        got_sigwinch = 1;
}

static void on_line(char *line)
{
    cb_line = line;
    cb_done = true;
    rl_callback_handler_remove();
}

/* One line, like readline(): NULL at end of input, or with *interrupted
** set when Ctrl-C dropped what was typed. */
static char *read_line(const char *prompt, bool *interrupted)
{
    struct sigaction sa, old_int, old_winch;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: select must wake up */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGWINCH, &sa, &old_winch);
    got_sigint = 0;
    *interrupted = false;
    cb_done = false;
    cb_line = NULL;
    rl_callback_handler_install(prompt, on_line);
    int fd = fileno(rl_instream ? rl_instream : stdin);
    while (!cb_done) {
        if (got_sigint) {
            got_sigint = 0;
            FILE *out = rl_outstream ? rl_outstream : stdout;
            fputs("^C\n", out); /* before the cleanup, which rewinds the cursor */
            fflush(out);
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_cleanup_after_signal();
            rl_callback_handler_remove();
            *interrupted = true;
            break;
        }
        if (got_sigwinch) {
            got_sigwinch = 0;
            rl_resize_terminal();
        }
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(fd, &fds);
        int r = select(fd + 1, &fds, NULL, NULL, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rl_callback_handler_remove();
            break; /* treat as end of input */
        }
        if (r > 0)
            rl_callback_read_char();
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGWINCH, &old_winch, NULL);
    return cb_line;
}

/* -- The loop ----------------------------------------------------------- */

static LxResult eval_in_vm(void *ctx, const char *src, size_t len, bool *incomplete)
{
    return vm_interpret_repl((VM *)ctx, src, len, incomplete);
}

int repl_run(VM *vm)
{
    completion_vm = vm;
    vm->script_path = "<repl>";
    rl_readline_name = "loxjit";
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = " \t\n\"\\'`@$><=;|&{([]),+-*/%!:";
    history_open();

    ReplInput in = {0};
    for (;;) {
        bool interrupted;
        char *line = read_line(in.len ? "... " : "> ", &interrupted);
        if (interrupted) {
            repl_reset(&in);
            continue;
        }
        if (!line) {
            fputc('\n', stdout);
            break;
        }
        history_note(line);
        LxResult result;
        repl_feed(&in, line, eval_in_vm, vm, &result);
        free(line);
        fflush(stdout);
    }
    fflush(stdout);
    history_save();
    repl_input_free(&in);
    return 0;
}
