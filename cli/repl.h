/* repl.h -- the interactive loop (GNU readline) and its line logic.
**
** repl_run is the REPL: prompt `> `, `... ` while the entry is unfinished,
** history in ~/.loxjit_history, tab completion of keywords, globals and
** module members, Ctrl-C to drop the current entry, Ctrl-D to leave.
**
** The part that decides what to do with a line lives apart from readline
** (ReplInput, repl_feed) so unit tests can drive it with a fake evaluator.
*/
#ifndef LX_CLI_REPL_H
#define LX_CLI_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include "vm/vm.h"

/* The entry being typed: every line since the last complete one. */
typedef struct {
    char *text;
    size_t len, cap;
} ReplInput;

/* Compile and run src as one REPL entry; set *incomplete (and run nothing)
** when the entry is merely unfinished. vm_interpret_repl in real use. */
typedef LxResult (*ReplEval)(void *ctx, const char *src, size_t len, bool *incomplete);

typedef enum {
    REPL_DONE,  /* the entry ran (or was blank); next prompt is `> ` */
    REPL_MORE   /* unfinished; next prompt is `... ` */
} ReplStatus;

/* Add one line (without its newline) to the entry and evaluate the entry
** if it may be complete. *result is the evaluation's result (LX_OK for a
** blank entry or while REPL_MORE). */
ReplStatus repl_feed(ReplInput *in, const char *line, ReplEval eval, void *ctx,
                     LxResult *result);
/* Drop the unfinished entry (Ctrl-C). */
void repl_reset(ReplInput *in);
void repl_input_free(ReplInput *in);

/* The REPL on the terminal; returns the process exit status. */
int repl_run(VM *vm);

#endif
