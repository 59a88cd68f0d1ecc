/* params.c -- the parameter table's consumers: defaults, lookup, and the
** parser behind `-O name=value` (see vm/params.h). */
#include "vm/params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const ParamInfo param_info[PARAM__COUNT] = {
#define LX_PARAM_INFO(name, def, lo, hi, doc) {#name, def, lo, hi, doc},
    LX_PARAMS(LX_PARAM_INFO)
#undef LX_PARAM_INFO
};

void param_defaults(JitOptions *o)
{
    memset(o, 0, sizeof *o);
    o->on = true;
    for (int i = 0; i < PARAM__COUNT; i++)
        o->param[i] = param_info[i].def;
}

int param_find(const char *name, size_t len)
{
    for (int i = 0; i < PARAM__COUNT; i++)
        if (strlen(param_info[i].name) == len && memcmp(param_info[i].name, name, len) == 0)
            return i;
    return -1;
}

const char *param_parse(JitOptions *o, const char *assignments)
{
    /* One message buffer per thread is enough: the CLI parses once. */
    static _Thread_local char msg[160];
    const char *p = assignments;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq) {
            snprintf(msg, sizeof msg, "-O expects NAME=VALUE, got '%.*s'", (int)(end - p), p);
            return msg;
        }
        int id = param_find(p, (size_t)(eq - p));
        if (id < 0) {
            snprintf(msg, sizeof msg, "unknown JIT parameter '%.*s'", (int)(eq - p), p);
            return msg;
        }
        char num[32];
        size_t n = (size_t)(end - eq - 1);
        if (n == 0 || n >= sizeof num) {
            snprintf(msg, sizeof msg, "bad value for JIT parameter '%s'", param_info[id].name);
            return msg;
        }
        memcpy(num, eq + 1, n);
        num[n] = '\0';
        char *stop;
        errno = 0;
        long v = strtol(num, &stop, 10);
        if (*stop != '\0' || errno || v < param_info[id].min || v > param_info[id].max) {
            snprintf(msg, sizeof msg, "JIT parameter '%s' takes an integer from %d to %d",
                     param_info[id].name, (int)param_info[id].min, (int)param_info[id].max);
            return msg;
        }
        o->param[id] = (int32_t)v;
        if (*end == '\0')
            return NULL;
        p = end + 1;
    }
}
