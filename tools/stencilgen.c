/* stencilgen.c -- turns clang's stencil objects into jit_stencils.h.
**
**   stencilgen tidy IN.s OUT.s
**   stencilgen header -o OUT.h OBJ.o OBJ.dis [OBJ.o OBJ.dis]...
**
** The build (jit/jit.mk) runs it twice per stencil source:
**
** 1. `tidy` rewrites the branches of clang's assembly so that stencils
**    fall through into the next one. Clang cannot know that _JIT_CONTINUE
**    is the next instruction, so a guard comes out as
**        jno .L2 ; jmp _JIT_EXIT ; .L2: ... ; jmp _JIT_CONTINUE
**    Every jump to _JIT_CONTINUE becomes a jump to a label at the end of
**    the function, then a few rewrites that keep the meaning of the code
**    (thread a jump to a block that only jumps on, invert a conditional
**    jump over an unconditional one, drop jumps to the next instruction,
**    drop unreachable code) leave the guard as `jo _JIT_EXIT` and remove
**    the jump to the end. Only branch instructions and labels are touched;
**    every other line is copied as it is.
**
** 2. `header` reads each assembled object (ELF64 x86-64 relocatable,
**    compiled with -ffunction-sections so each stencil has a section of
**    its own) and writes, per stencil, its disassembly as a comment (the
**    .dis file is `objdump -dr` output), its code bytes and its holes
**    (one per relocation), then a table indexed by JitStencilId. It also
**    removes a trailing `jmp _JIT_CONTINUE` left in objects that were not
**    tidied, and turns other references to _JIT_CONTINUE into holes.
**    Read-only data a stencil refers to (constant pools) is copied into
**    that stencil's data block, and the reference becomes a DATA hole.
**
** Everything it does not understand is an error that names the stencil,
** the offset and the relocation or section involved, and fails the
** build: an unknown relocation kind, a call to a function that is not a
** hole, writable data, unwind tables. The output depends only on the
** inputs' contents and base names (no paths, no dates), so it can be
** compared with a checked-in copy (tests/jit/).
*/
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/stencil.h"

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif

/* -- Utilities --------------------------------------------------------- */

static const char *progname = "stencilgen";

static _Noreturn __attribute__((format(printf, 1, 2))) void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", progname);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

/* The whole file, NUL-terminated; *len excludes the NUL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            buf = xrealloc(buf, cap *= 2);
    }
    if (ferror(f))
        die("cannot read %s", path);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Split text into lines (the buffer is modified); returns the count. */
static size_t split_lines(char *text, char ***out)
{
    size_t n = 0, cap = 1024;
    char **lines = xmalloc(cap * sizeof *lines);
    char *p = text;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (n == cap)
            lines = xrealloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = p;
        if (nl == NULL)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    *out = lines;
    return n;
}

/* -- tidy: assembly branch rewriting ----------------------------------- */

typedef enum { L_OTHER, L_LABEL, L_INSN } LineKind;

typedef struct {
    LineKind kind;
    bool dead;          /* deleted */
    bool changed;       /* an instruction we rewrote: print mnem/arg */
    char *text;         /* the original line */
    char *name;         /* L_LABEL: the label */
    char *mnem;         /* L_INSN: mnemonic */
    char *arg;          /* L_INSN: operands, comment stripped */
} AsmLine;

/* Conditional jumps and their inversions, every spelling GNU as accepts. */
static const char *const jcc_pairs[][2] = {
    {"jo", "jno"},   {"jb", "jae"},  {"jc", "jnc"},   {"jnae", "jnb"},
    {"je", "jne"},   {"jz", "jnz"},  {"jbe", "ja"},   {"jna", "jnbe"},
    {"js", "jns"},   {"jp", "jnp"},  {"jpe", "jpo"},  {"jl", "jge"},
    {"jnge", "jnl"}, {"jle", "jg"},  {"jng", "jnle"},
};

static const char *jcc_invert(const char *m)
{
    for (size_t i = 0; i < sizeof jcc_pairs / sizeof jcc_pairs[0]; i++) {
        if (strcmp(m, jcc_pairs[i][0]) == 0)
            return jcc_pairs[i][1];
        if (strcmp(m, jcc_pairs[i][1]) == 0)
            return jcc_pairs[i][0];
    }
    return NULL;
}

static bool is_jmp(const AsmLine *l)
{
    return l->kind == L_INSN && strcmp(l->mnem, "jmp") == 0 && l->arg[0] != '*';
}

static bool is_jcc(const AsmLine *l)
{
    return l->kind == L_INSN && jcc_invert(l->mnem) != NULL;
}

static bool is_terminator(const AsmLine *l)
{
    return l->kind == L_INSN &&
           (strcmp(l->mnem, "jmp") == 0 || strcmp(l->mnem, "retq") == 0 ||
            strcmp(l->mnem, "ret") == 0 || strcmp(l->mnem, "ud2") == 0);
}

static void parse_asm_line(AsmLine *l, char *text)
{
    memset(l, 0, sizeof *l);
    l->text = text;
    const char *p = text;
    if (*p != '\t' && *p != ' ' && *p != '#' && *p != '\0') {
        const char *colon = strchr(p, ':');
        if (colon != NULL && strcspn(p, " \t\"") > (size_t)(colon - p)) {
            l->kind = L_LABEL;
            l->name = xstrndup(p, (size_t)(colon - p));
        }
        return;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '.' || *p == '#' || *p == '\0')
        return;
    size_t n = strcspn(p, " \t#");
    l->kind = L_INSN;
    l->mnem = xstrndup(p, n);
    p += n;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t m = strcspn(p, "#");
    while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
        m--;
    l->arg = xstrndup(p, m);
}

static bool is_sym_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

/* Does operand text `arg` mention `label` as a whole token? */
static bool mentions(const char *arg, const char *label)
{
    size_t n = strlen(label);
    for (const char *p = strstr(arg, label); p; p = strstr(p + 1, label))
        if ((p == arg || !is_sym_char(p[-1])) && !is_sym_char(p[n]))
            return true;
    return false;
}

typedef struct {
    AsmLine *l;
    size_t lo, hi;      /* the function body: lines [lo, hi) */
    size_t outside_refs_n;
    char **outside;     /* lines outside any function mentioning labels */
} Func;

static size_t label_refs(const Func *f, const char *label)
{
    size_t n = 0;
    for (size_t i = f->lo; i < f->hi; i++)
        if (!f->l[i].dead && f->l[i].kind == L_INSN && mentions(f->l[i].arg, label))
            n++;
    for (size_t i = 0; i < f->outside_refs_n; i++)
        if (mentions(f->outside[i], label))
            n++;
    return n;
}

static ssize_t find_label(const Func *f, const char *label)
{
    for (size_t i = f->lo; i < f->hi; i++)
        if (f->l[i].kind == L_LABEL && strcmp(f->l[i].name, label) == 0)
            return (ssize_t)i;
    return -1;
}

/* The next live instruction at or after i, or hi. */
static size_t next_insn(const Func *f, size_t i)
{
    while (i < f->hi && (f->l[i].dead || f->l[i].kind != L_INSN))
        i++;
    return i;
}

/* Are the lines (i, j) free of labels that something jumps to? */
static bool no_live_label_between(const Func *f, size_t i, size_t j)
{
    for (size_t k = i + 1; k < j; k++)
        if (!f->l[k].dead && f->l[k].kind == L_LABEL && label_refs(f, f->l[k].name) > 0)
            return false;
    return true;
}

/* Is `label` among the labels in (i, next instruction after i)? */
static bool label_follows(const Func *f, size_t i, const char *label)
{
    size_t j = next_insn(f, i + 1);
    for (size_t k = i + 1; k < j; k++)
        if (!f->l[k].dead && f->l[k].kind == L_LABEL && strcmp(f->l[k].name, label) == 0)
            return true;
    return false;
}

static void set_branch(AsmLine *l, const char *mnem, const char *arg)
{
    if (mnem != l->mnem) {
        free(l->mnem);
        l->mnem = xstrdup(mnem);
    }
    if (arg != l->arg) {
        char *a = xstrdup(arg);
        free(l->arg);
        l->arg = a;
    }
    l->changed = true;
}

/* One round of rewrites; returns whether anything changed. */
static bool tidy_round(Func *f)
{
    bool changed = false;
    for (size_t i = f->lo; i < f->hi; i++) {
        AsmLine *b = &f->l[i];
        if (b->dead || !(is_jmp(b) || is_jcc(b)))
            continue;
        /* Thread: a branch to a block that only jumps on goes there at
        ** once (this is what makes `jo _JIT_EXIT` a conditional tail call:
        ** the stack is the same at both places). */
        ssize_t t = find_label(f, b->arg);
        if (t >= 0) {
            size_t j = next_insn(f, (size_t)t + 1);
            if (j < f->hi && is_jmp(&f->l[j]) && strcmp(f->l[j].arg, b->arg) != 0) {
                set_branch(b, b->mnem, f->l[j].arg);
                changed = true;
            }
        }
        /* Invert: jcc A ; jmp B ; A:  ->  jncc B ; A: */
        if (is_jcc(b)) {
            size_t j = next_insn(f, i + 1);
            if (j < f->hi && is_jmp(&f->l[j]) && no_live_label_between(f, i, j) &&
                label_follows(f, j, b->arg)) {
                set_branch(b, jcc_invert(b->mnem), f->l[j].arg);
                f->l[j].dead = true;
                changed = true;
            }
        }
        /* Drop a jump to the next instruction (a conditional one too:
        ** it changes nothing). */
        if (label_follows(f, i, b->arg)) {
            b->dead = true;
            changed = true;
            continue;
        }
        /* Drop what follows an unconditional jump up to a live label. */
        if (is_terminator(b)) {
            for (size_t k = i + 1; k < f->hi; k++) {
                AsmLine *l = &f->l[k];
                if (l->dead)
                    continue;
                if (l->kind == L_LABEL && label_refs(f, l->name) > 0)
                    break;
                if (l->kind == L_INSN) {
                    l->dead = true;
                    changed = true;
                }
            }
        }
    }
    return changed;
}

static bool is_continue_sym(const char *arg)
{
    return strcmp(arg, "_JIT_CONTINUE") == 0 || strcmp(arg, "_JIT_CONTINUE@PLT") == 0;
}

static int cmd_tidy(int argc, char **argv)
{
    if (argc != 2)
        die("usage: stencilgen tidy IN.s OUT.s");
    size_t len;
    char *text = read_file(argv[0], &len);
    char **raw;
    size_t n = split_lines(text, &raw);
    AsmLine *l = xmalloc((n + 1) * sizeof *l);
    for (size_t i = 0; i < n; i++)
        parse_asm_line(&l[i], raw[i]);

    /* Functions: from a label declared `.type NAME,@function` to the next
    ** `.Lfunc_end` label or section change. */
    size_t nfunc_names = 0;
    char **func_names = xmalloc(n * sizeof *func_names);
    for (size_t i = 0; i < n; i++) {
        const char *p = raw[i];
        while (*p == ' ' || *p == '\t')
            p++;
        if (starts_with(p, ".type")) {
            p += 5;
            while (*p == ' ' || *p == '\t')
                p++;
            const char *comma = strchr(p, ',');
            if (comma && strstr(comma, "@function"))
                func_names[nfunc_names++] = xstrndup(p, (size_t)(comma - p));
        }
    }
    /* Mark the function bodies: lines (label, end) of each. */
    size_t *body_lo = xmalloc((n + 1) * sizeof *body_lo);
    size_t *body_hi = xmalloc((n + 1) * sizeof *body_hi);
    bool *in_func = xmalloc(n + 1);
    memset(in_func, 0, n + 1);
    size_t nfuncs = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i].kind != L_LABEL)
            continue;
        bool is_func = false;
        for (size_t k = 0; k < nfunc_names && !is_func; k++)
            is_func = strcmp(func_names[k], l[i].name) == 0;
        if (!is_func)
            continue;
        size_t j = i + 1;
        while (j < n && !(l[j].kind == L_LABEL && starts_with(l[j].name, ".Lfunc_end"))) {
            const char *p = raw[j];
            while (*p == ' ' || *p == '\t')
                p++;
            if (starts_with(p, ".section") || starts_with(p, ".size") ||
                starts_with(p, ".text"))
                break;
            j++;
        }
        body_lo[nfuncs] = i + 1;
        body_hi[nfuncs] = j;
        nfuncs++;
        for (size_t k = i; k < j; k++)
            in_func[k] = true;
        i = j - 1;
    }
    /* Lines outside functions that mention local labels (jump tables,
    ** which -fno-jump-tables should prevent) keep those labels alive. */
    char **outside = xmalloc((n + 1) * sizeof *outside);
    size_t noutside = 0;
    for (size_t i = 0; i < n; i++)
        if (!in_func[i] && l[i].kind != L_LABEL && strstr(raw[i], ".L"))
            outside[noutside++] = raw[i];

    FILE *out = fopen(argv[1], "w");
    if (out == NULL)
        die("cannot write %s: %s", argv[1], strerror(errno));
    size_t fi = 0;
    for (size_t i = 0; i < n;) {
        if (fi == nfuncs || i != body_lo[fi]) {
            fprintf(out, "%s\n", raw[i++]);
            continue;
        }
        /* The body, plus a label at its end that stands for
        ** _JIT_CONTINUE: the start of the next stencil. */
        size_t nb = body_hi[fi] - body_lo[fi];
        Func f = {xmalloc((nb + 1) * sizeof(AsmLine)), 0, nb + 1, noutside, outside};
        memcpy(f.l, &l[body_lo[fi]], nb * sizeof(AsmLine));
        char end_label[64];
        snprintf(end_label, sizeof end_label, ".Ljit_continue%zu", fi);
        char *end_text = xmalloc(strlen(end_label) + 2);
        sprintf(end_text, "%s:", end_label);
        parse_asm_line(&f.l[nb], end_text);
        for (size_t k = 0; k < nb; k++) {
            AsmLine *a = &f.l[k];
            const char *p = a->text;
            while (*p == ' ' || *p == '\t')
                p++;
            /* Alignment inside a stencil is meaningless: it is copied to
            ** wherever the trace needs it. */
            if (a->kind == L_OTHER && starts_with(p, ".p2align"))
                a->dead = true;
            if ((is_jmp(a) || is_jcc(a)) && is_continue_sym(a->arg))
                set_branch(a, a->mnem, end_label);
        }
        int rounds = 0;
        while (tidy_round(&f))
            if (++rounds > 1000)
                die("%s: branch rewriting does not settle (a jump cycle?)", argv[0]);
        for (size_t k = 0; k <= nb; k++) {
            AsmLine *a = &f.l[k];
            if (a->dead)
                continue;
            if (a->changed)
                fprintf(out, "\t%s\t%s\n", a->mnem, a->arg);
            else
                fprintf(out, "%s\n", a->text);
        }
        free(f.l);
        i = body_hi[fi++];
    }
    if (fclose(out) != 0)
        die("cannot write %s: %s", argv[1], strerror(errno));
    return 0;
}

/* -- header: ELF objects to C ------------------------------------------ */

typedef struct {
    const char *name;           /* "_JIT_SLOT" */
    JitHoleClass cls;
} HoleSymbol;

static const HoleSymbol hole_symbols[JIT_SYM__COUNT] = {
#define SYM_ENTRY(name, cls, doc) {"_JIT_" #name, JIT_HC_##cls},
    JIT_HOLE_SYMBOLS(SYM_ENTRY)
#undef SYM_ENTRY
};

static const char *const sym_enum_names[JIT_SYM__COUNT] = {
#define SYM_ENUM_NAME(name, cls, doc) "JIT_SYM_" #name,
    JIT_HOLE_SYMBOLS(SYM_ENUM_NAME)
#undef SYM_ENUM_NAME
};

static const char *const kind_enum_names[JIT_RELOC__COUNT] = {
#define KIND_ENUM_NAME(name, elf, doc) "JIT_RELOC_" #name,
    JIT_RELOC_KINDS(KIND_ENUM_NAME)
#undef KIND_ENUM_NAME
};

static const char *const insn_enum_names[] = {
#define INSN_ENUM_NAME(name) "JIT_INSN_" #name,
    JIT_HOLE_INSNS(INSN_ENUM_NAME)
#undef INSN_ENUM_NAME
};

static int reloc_kind(uint32_t type)
{
    switch (type) {
#define KIND_CASE(name, elf, doc) case elf: return JIT_RELOC_##name;
        JIT_RELOC_KINDS(KIND_CASE)
#undef KIND_CASE
    default:
        return -1;
    }
}

/* Names for the x86-64 relocation types an error message may need. */
static const char *elf_reloc_name(uint32_t type)
{
    static const struct { uint32_t type; const char *name; } names[] = {
        {R_X86_64_NONE, "R_X86_64_NONE"},         {R_X86_64_64, "R_X86_64_64"},
        {R_X86_64_PC32, "R_X86_64_PC32"},         {R_X86_64_GOT32, "R_X86_64_GOT32"},
        {R_X86_64_PLT32, "R_X86_64_PLT32"},       {R_X86_64_COPY, "R_X86_64_COPY"},
        {R_X86_64_GOTPCREL, "R_X86_64_GOTPCREL"}, {R_X86_64_32, "R_X86_64_32"},
        {R_X86_64_32S, "R_X86_64_32S"},           {R_X86_64_16, "R_X86_64_16"},
        {R_X86_64_PC16, "R_X86_64_PC16"},         {R_X86_64_8, "R_X86_64_8"},
        {R_X86_64_PC8, "R_X86_64_PC8"},           {R_X86_64_TPOFF32, "R_X86_64_TPOFF32"},
        {R_X86_64_TLSGD, "R_X86_64_TLSGD"},       {R_X86_64_TLSLD, "R_X86_64_TLSLD"},
        {R_X86_64_GOTTPOFF, "R_X86_64_GOTTPOFF"}, {R_X86_64_PC64, "R_X86_64_PC64"},
        {R_X86_64_GOTOFF64, "R_X86_64_GOTOFF64"}, {R_X86_64_GOTPC32, "R_X86_64_GOTPC32"},
        {R_X86_64_GOTPCRELX, "R_X86_64_GOTPCRELX"},
        {R_X86_64_REX_GOTPCRELX, "R_X86_64_REX_GOTPCRELX"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].type == type)
            return names[i].name;
    return "an unknown relocation type";
}

typedef struct {
    char *name;
    const char *object;         /* base name of the object it came from */
    uint8_t *code;
    uint32_t code_size;
    JitHole *holes;
    size_t nholes;
    uint8_t *data;
    uint32_t data_size;
    uint32_t data_align;
    char **dis;                 /* disassembly lines for the comment */
    size_t ndis;
} Stencil;

typedef struct {
    const char *path;
    const uint8_t *bytes;
    size_t size;
    const Elf64_Ehdr *eh;
    const Elf64_Shdr *sh;
    size_t nsec;
    const char *shstr;
    const Elf64_Sym *syms;
    size_t nsyms;
    const char *symstr;
} Elf;

static const char *sec_name(const Elf *e, size_t i)
{
    return e->shstr + e->sh[i].sh_name;
}

static const void *elf_at(const Elf *e, uint64_t off, uint64_t len, const char *what)
{
    if (off > e->size || len > e->size - off)
        die("%s: %s lies outside the file", e->path, what);
    return e->bytes + off;
}

static void elf_open(Elf *e, const char *path)
{
    size_t len;
    memset(e, 0, sizeof *e);
    e->path = path;
    e->bytes = (const uint8_t *)read_file(path, &len);
    e->size = len;
    e->eh = elf_at(e, 0, sizeof(Elf64_Ehdr), "the ELF header");
    const Elf64_Ehdr *h = e->eh;
    if (memcmp(h->e_ident, ELFMAG, SELFMAG) != 0 || h->e_ident[EI_CLASS] != ELFCLASS64 ||
        h->e_ident[EI_DATA] != ELFDATA2LSB)
        die("%s: not a little-endian ELF64 file", path);
    if (h->e_type != ET_REL || h->e_machine != EM_X86_64)
        die("%s: not an x86-64 relocatable object", path);
    if (h->e_shentsize != sizeof(Elf64_Shdr))
        die("%s: unexpected section header size", path);
    e->nsec = h->e_shnum;
    e->sh = elf_at(e, h->e_shoff, e->nsec * sizeof(Elf64_Shdr), "the section headers");
    if (h->e_shstrndx >= e->nsec)
        die("%s: bad section name table index", path);
    const Elf64_Shdr *ss = &e->sh[h->e_shstrndx];
    e->shstr = elf_at(e, ss->sh_offset, ss->sh_size, "the section names");
    for (size_t i = 0; i < e->nsec; i++) {
        if (e->sh[i].sh_type != SHT_SYMTAB)
            continue;
        if (e->syms != NULL)
            die("%s: more than one symbol table", path);
        e->syms = elf_at(e, e->sh[i].sh_offset, e->sh[i].sh_size, "the symbol table");
        e->nsyms = e->sh[i].sh_size / sizeof(Elf64_Sym);
        size_t link = e->sh[i].sh_link;
        if (link >= e->nsec)
            die("%s: bad string table index", path);
        e->symstr = elf_at(e, e->sh[link].sh_offset, e->sh[link].sh_size, "the symbol names");
    }
    if (e->syms == NULL)
        die("%s: no symbol table", path);
}

typedef enum { SEC_IGNORE, SEC_TEXT, SEC_RODATA, SEC_RELA } SecRole;

/* What a section is for us; anything stencils must not have is an error. */
static SecRole section_role(const Elf *e, size_t i)
{
    const Elf64_Shdr *s = &e->sh[i];
    const char *name = sec_name(e, i);
    switch (s->sh_type) {
    case SHT_NULL: case SHT_SYMTAB: case SHT_STRTAB: case SHT_NOTE:
    case SHT_GROUP: case SHT_LLVM_ADDRSIG:
        return SEC_IGNORE;
    case SHT_RELA:
        return SEC_RELA;
    case SHT_REL:
        die("%s: section %s uses REL relocations; x86-64 objects use RELA", e->path, name);
    case SHT_X86_64_UNWIND:
        die("%s: section %s holds unwind tables, which would need patching too: "
            "compile the stencils with -fno-asynchronous-unwind-tables -fno-unwind-tables",
            e->path, name);
    case SHT_PROGBITS:
    case SHT_NOBITS:
        if (!(s->sh_flags & SHF_ALLOC))
            return SEC_IGNORE;          /* .comment, .note.GNU-stack */
        if (s->sh_flags & SHF_EXECINSTR)
            return SEC_TEXT;
        if (s->sh_flags & SHF_WRITE) {
            if (s->sh_size == 0)
                return SEC_IGNORE;
            die("%s: section %s is writable data (%zu bytes): stencils are copied "
                "per use, so they cannot share mutable globals; keep state in "
                "JitCtx", e->path, name, (size_t)s->sh_size);
        }
        if (s->sh_type == SHT_NOBITS)
            die("%s: section %s is uninitialized read-only data", e->path, name);
        return SEC_RODATA;
    default:
        die("%s: section %s has type 0x%x, which stencilgen does not know",
            e->path, name, (unsigned)s->sh_type);
    }
}

/* The instruction a relocated field sits in, from the bytes before it. A
** rip-relative operand's ModRM byte (mod 00, rm 101) is never E8/E9 or
** 8x, so PC-relative fields classify without decoding. */
static JitHoleInsn hole_insn(const uint8_t *code, uint32_t off, int kind)
{
    if (kind == JIT_RELOC_PC32 || kind == JIT_RELOC_PLT32) {
        if (off >= 1 && code[off - 1] == 0xE8)
            return JIT_INSN_CALL;
        if (off >= 1 && code[off - 1] == 0xE9)
            return JIT_INSN_JMP;
        if (off >= 2 && code[off - 2] == 0x0F && (code[off - 1] & 0xF0) == 0x80)
            return JIT_INSN_JCC;
    }
    if (kind == JIT_RELOC_ABS64 && off >= 2 && (code[off - 2] & 0xF8) == 0x48 &&
        (code[off - 1] & 0xF8) == 0xB8)
        return JIT_INSN_MOVABS;
    return JIT_INSN_OTHER;
}

/* Check that a hole's symbol class, relocation kind and instruction fit
** together; the message says what went wrong in stencil terms. */
static void check_hole(const Stencil *st, const JitHole *h)
{
    const char *sym = h->sym == JIT_SYM_DATA ? "read-only data" : hole_symbols[h->sym].name;
    const char *kind = kind_enum_names[h->kind] + strlen("JIT_RELOC_");
    bool pcrel = h->kind == JIT_RELOC_PC32 || h->kind == JIT_RELOC_PLT32;
    bool branch = h->insn == JIT_INSN_CALL || h->insn == JIT_INSN_JMP || h->insn == JIT_INSN_JCC;
    const char *why = NULL;
    switch (hole_symbols[h->sym].cls) {
    case JIT_HC_DISP:
    case JIT_HC_IMM32:
        if (pcrel)
            why = "a value hole used as a PC-relative address; read it with "
                  "JIT_SLOT_OFFSET or JIT_OPERAND()";
        break;
    case JIT_HC_IMM64:
        if (h->kind != JIT_RELOC_ABS64)
            why = "_JIT_CONST needs a 64-bit field; read it with jit_const64()";
        break;
    case JIT_HC_JUMP:
        if (!(pcrel && (h->insn == JIT_INSN_JMP || h->insn == JIT_INSN_JCC)) &&
            !(h->kind == JIT_RELOC_ABS64 && h->insn == JIT_INSN_MOVABS))
            why = "a jump target must be reached by jmp or jcc (JIT_JUMP)";
        break;
    case JIT_HC_CALL:
        if (!(pcrel && branch) && !(h->kind == JIT_RELOC_ABS64 && h->insn == JIT_INSN_MOVABS))
            why = "a helper must be called (or tail-called)";
        break;
    case JIT_HC_DATA:
        if (!(pcrel || h->kind == JIT_RELOC_ABS64))
            why = "data must be addressed rip-relative: an absolute 32-bit address "
                  "(a table indexed by a register?) cannot reach the code area";
        break;
    }
    if (why == NULL && pcrel && branch && h->addend != -4)
        why = "a branch field must end its instruction (addend -4)";
    if (why != NULL)
        die("stencil %s (%s), offset 0x%x: %s with %s: %s", st->name, st->object,
            (unsigned)h->offset, sym, kind, why);
}

static int hole_cmp(const void *a, const void *b)
{
    const JitHole *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

/* A piece of a read-only section copied into a stencil's data block. */
typedef struct {
    size_t sec;
    uint64_t from, len;
    uint32_t at;                /* where it starts in the data block */
} DataPiece;

/* Copies the data that symbol s (in a read-only section) stands for into
** st's data block, once, and returns where the section's offset 0 would
** be in the data block (so that it + st_value + A addresses the same byte
** as before; it may be negative when only a later piece was copied). A constant-pool label in a
** mergeable section (.rodata.cst16) names one entry: only that entry is
** copied. Anything else (a section symbol, strings) brings the whole
** section. */
static int64_t data_piece(const Elf *e, Stencil *st, const Elf64_Sym *s,
                           DataPiece **pieces, size_t *npieces)
{
    size_t sec = s->st_shndx;
    const Elf64_Shdr *sh = &e->sh[sec];
    uint64_t from = 0, len = sh->sh_size;
    if (ELF64_ST_TYPE(s->st_info) != STT_SECTION && (sh->sh_flags & SHF_MERGE) &&
        !(sh->sh_flags & SHF_STRINGS) && sh->sh_entsize > 0 &&
        s->st_value % sh->sh_entsize == 0 && s->st_value + sh->sh_entsize <= sh->sh_size) {
        from = s->st_value;
        len = sh->sh_entsize;
    }
    for (size_t q = 0; q < *npieces; q++) {
        DataPiece *p = &(*pieces)[q];
        if (p->sec == sec && p->from <= from && from + len <= p->from + p->len)
            return (int64_t)p->at - (int64_t)p->from;
    }
    uint64_t align = sh->sh_addralign ? sh->sh_addralign : 1;
    if (align > 4096 || (align & (align - 1)))
        die("stencil %s (%s): section %s has alignment %llu", st->name, st->object,
            sec_name(e, sec), (unsigned long long)align);
    if (len > (1u << 20))
        die("stencil %s (%s) refers to %s, %llu bytes of data: too big to copy per "
            "stencil", st->name, st->object, sec_name(e, sec), (unsigned long long)len);
    uint32_t at = (st->data_size + (uint32_t)align - 1) & ~((uint32_t)align - 1);
    st->data = xrealloc(st->data, at + len);
    memset(st->data + st->data_size, 0, at - st->data_size);
    memcpy(st->data + at, (const uint8_t *)elf_at(e, sh->sh_offset, sh->sh_size,
                                                  sec_name(e, sec)) + from, len);
    st->data_size = at + (uint32_t)len;
    if (align > st->data_align)
        st->data_align = (uint32_t)align;
    *pieces = xrealloc(*pieces, (*npieces + 1) * sizeof **pieces);
    (*pieces)[(*npieces)++] = (DataPiece){sec, from, len, at};
    return (int64_t)at - (int64_t)from;
}

/* Reads one object; appends its stencils to *out. */
static void read_stencils(const char *obj_path, Stencil **out, size_t *nout, size_t *cap)
{
    Elf e;
    elf_open(&e, obj_path);
    const char *object = base_name(obj_path);
    SecRole *role = xmalloc(e.nsec * sizeof *role);
    for (size_t i = 0; i < e.nsec; i++)
        role[i] = section_role(&e, i);

    /* Relocations inside read-only data would be pointers that need
    ** patching (jump tables); nothing here makes them, so refuse them. */
    for (size_t i = 0; i < e.nsec; i++)
        if (role[i] == SEC_RELA && e.sh[i].sh_info < e.nsec &&
            role[e.sh[i].sh_info] == SEC_RODATA)
            die("%s: section %s relocates read-only data (%s): jump tables or "
                "pointer constants; compile with -fno-jump-tables", obj_path,
                sec_name(&e, i), sec_name(&e, e.sh[i].sh_info));

    for (size_t i = 0; i < e.nsec; i++) {
        if (role[i] != SEC_TEXT)
            continue;
        const char *sname = sec_name(&e, i);
        /* The stencil: the one global function that fills the section. */
        const Elf64_Sym *fn = NULL;
        for (size_t k = 1; k < e.nsyms; k++) {
            const Elf64_Sym *s = &e.syms[k];
            if (s->st_shndx == i && ELF64_ST_TYPE(s->st_info) == STT_FUNC) {
                if (ELF64_ST_BIND(s->st_info) != STB_GLOBAL)
                    die("%s: section %s holds the static function %s: a helper "
                        "clang did not inline (mark it JIT_INLINE)", obj_path, sname,
                        e.symstr + s->st_name);
                if (fn != NULL)
                    die("%s: section %s holds more than one function: compile "
                        "with -ffunction-sections", obj_path, sname);
                fn = s;
            }
        }
        if (fn == NULL && e.sh[i].sh_size == 0)
            continue;           /* the empty .text; a stencil may be empty */
        if (fn == NULL)
            die("%s: section %s holds code that is no function", obj_path, sname);
        if (fn->st_value != 0 || fn->st_size != e.sh[i].sh_size)
            die("%s: function %s does not fill its section %s", obj_path,
                e.symstr + fn->st_name, sname);
        if (e.sh[i].sh_size > UINT32_MAX / 2)
            die("%s: section %s is too big", obj_path, sname);

        if (*nout == *cap)
            *out = xrealloc(*out, (*cap = *cap ? *cap * 2 : 256) * sizeof **out);
        Stencil *st = &(*out)[(*nout)++];
        memset(st, 0, sizeof *st);
        st->name = xstrdup(e.symstr + fn->st_name);
        st->object = object;
        st->code_size = (uint32_t)e.sh[i].sh_size;
        st->code = xmalloc(st->code_size);
        memcpy(st->code, elf_at(&e, e.sh[i].sh_offset, st->code_size, sname), st->code_size);
        st->data_align = 1;

        /* The read-only data this stencil refers to, in first-use order:
        ** pieces of sections, each copied once into the data block. */
        DataPiece *pieces = NULL;
        size_t npieces = 0;

        for (size_t r = 0; r < e.nsec; r++) {
            if (role[r] != SEC_RELA || e.sh[r].sh_info != i)
                continue;
            const Elf64_Rela *rel = elf_at(&e, e.sh[r].sh_offset, e.sh[r].sh_size, "relocations");
            size_t nrel = e.sh[r].sh_size / sizeof(Elf64_Rela);
            st->holes = xrealloc(st->holes, (st->nholes + nrel) * sizeof *st->holes);
            for (size_t k = 0; k < nrel; k++) {
                uint32_t type = (uint32_t)ELF64_R_TYPE(rel[k].r_info);
                size_t symi = ELF64_R_SYM(rel[k].r_info);
                uint64_t off = rel[k].r_offset;
                int kind = reloc_kind(type);
                if (kind < 0)
                    die("stencil %s (%s), offset 0x%llx: relocation %s (type %u) is "
                        "not supported; stencilgen accepts R_X86_64_64, PC32, PLT32, "
                        "32 and 32S (check the stencil flags in jit/jit.mk: -fno-pic "
                        "-mcmodel=small)", st->name, object, (unsigned long long)off,
                        elf_reloc_name(type), type);
                uint32_t width = kind == JIT_RELOC_ABS64 ? 8 : 4;
                if (off > st->code_size || width > st->code_size - off)
                    die("stencil %s (%s): relocation at 0x%llx lies outside the code",
                        st->name, object, (unsigned long long)off);
                if (symi == 0 || symi >= e.nsyms)
                    die("stencil %s (%s), offset 0x%llx: relocation without a symbol",
                        st->name, object, (unsigned long long)off);
                const Elf64_Sym *s = &e.syms[symi];
                const char *symname = e.symstr + s->st_name;
                JitHole h = {(uint32_t)off, (uint8_t)kind, 0,
                             (uint8_t)hole_insn(st->code, (uint32_t)off, kind), 0};
                int64_t addend = rel[k].r_addend;
                if (s->st_shndx == SHN_UNDEF) {
                    int found = -1;
                    for (int q = 0; q < JIT_SYM__COUNT; q++)
                        if (hole_symbols[q].cls != JIT_HC_DATA &&
                            strcmp(hole_symbols[q].name, symname) == 0)
                            found = q;
                    if (found < 0 && starts_with(symname, "_JIT_"))
                        die("stencil %s (%s), offset 0x%llx: unknown hole %s "
                            "(the hole symbols are listed in jit/stencil.h)",
                            st->name, object, (unsigned long long)off, symname);
                    if (found < 0)
                        die("stencil %s (%s), offset 0x%llx: %s refers to %s, which is "
                            "not a hole: stencils reach C only through _JIT_HELPER "
                            "holes (a library call clang inserted? a missing "
                            "JIT_INLINE?)", st->name, object, (unsigned long long)off,
                            elf_reloc_name(type), symname);
                    h.sym = (uint8_t)found;
                } else if (s->st_shndx < e.nsec && role[s->st_shndx] == SEC_RODATA) {
                    int64_t base = data_piece(&e, st, s, &pieces, &npieces);
                    h.sym = JIT_SYM_DATA;
                    addend += base + (int64_t)s->st_value;
                } else {
                    const char *where = s->st_shndx < e.nsec ? sec_name(&e, s->st_shndx)
                                                             : "a special section";
                    die("stencil %s (%s), offset 0x%llx: refers to %s in %s: a stencil "
                        "may refer only to holes and read-only data (not to other "
                        "stencils or static functions)", st->name, object,
                        (unsigned long long)off, *symname ? symname : "a section", where);
                }
                if (addend < INT32_MIN || addend > INT32_MAX)
                    die("stencil %s (%s), offset 0x%llx: addend out of range",
                        st->name, object, (unsigned long long)off);
                h.addend = (int32_t)addend;
                st->holes[st->nholes++] = h;
                check_hole(st, &st->holes[st->nholes - 1]);
            }
        }
        free(pieces);
        qsort(st->holes, st->nholes, sizeof *st->holes, hole_cmp);

        /* A trailing `jmp _JIT_CONTINUE` jumps to where the next stencil
        ** starts anyway: drop it. (Tidied objects have none.) */
        if (st->nholes > 0) {
            JitHole *last = &st->holes[st->nholes - 1];
            if (last->sym == JIT_SYM_CONTINUE && last->insn == JIT_INSN_JMP &&
                last->offset + 4 == st->code_size) {
                st->code_size -= 5;
                st->nholes--;
            }
        }
        for (size_t k = 0; k < st->nholes; k++)
            if (st->holes[k].offset + 4 > st->code_size)
                die("stencil %s (%s): hole at 0x%x overlaps the removed jump",
                    st->name, object, (unsigned)st->holes[k].offset);
    }
    free(role);
}

/* Disassembly: `objdump -dr` output, split into sections. Each kept line
** is an instruction or a relocation, with its address; tabs expanded so
** the comment reads the same everywhere. */
static void attach_disassembly(const char *dis_path, Stencil *st, size_t nst)
{
    size_t len;
    char *text = read_file(dis_path, &len);
    char **lines;
    size_t n = split_lines(text, &lines);
    Stencil *cur = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *l = lines[i];
        if (starts_with(l, "Disassembly of section ")) {
            const char *sec = l + strlen("Disassembly of section ");
            size_t sl = strcspn(sec, ":");
            cur = NULL;
            if (sl > 6 && starts_with(sec, ".text."))
                for (size_t k = 0; k < nst; k++)
                    if (strlen(st[k].name) == sl - 6 && strncmp(st[k].name, sec + 6, sl - 6) == 0)
                        cur = &st[k];
            continue;
        }
        if (cur == NULL || l[0] == '\0' || (l[0] != ' ' && l[0] != '\t'))
            continue;
        /* "   1f:\tmov ..." or "\t\t\t22: R_X86_64_PLT32\t_JIT_EXIT-0x4" */
        const char *p = l;
        while (*p == ' ' || *p == '\t')
            p++;
        char *endp;
        unsigned long addr = strtoul(p, &endp, 16);
        if (endp == p || *endp != ':')
            continue;
        if (addr >= cur->code_size)
            continue;           /* the removed trailing jump */
        char buf[512];
        size_t o = 0;
        bool reloc = l[0] == '\t';
        const char *q = reloc ? p : l;
        if (reloc) {
            memcpy(buf, "        ", 8);      /* indent holes under their insn */
            o = 8;
        }
        for (; *q && o < sizeof buf - 9; q++) {
            if (*q == '\t') {
                do
                    buf[o++] = ' ';
                while (o % 8 != 0);
            } else {
                buf[o++] = *q;
            }
        }
        while (o > 0 && buf[o - 1] == ' ')
            o--;
        buf[o] = '\0';
        if (strstr(buf, "*/"))
            die("%s: disassembly line contains '*/'", dis_path);
        cur->dis = xrealloc(cur->dis, (cur->ndis + 1) * sizeof *cur->dis);
        cur->dis[cur->ndis++] = xstrdup(buf);
    }
    free(lines);
    free(text);
}

static void emit_bytes(FILE *out, const uint8_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        fprintf(out, "%s0x%02x,%s", i % 12 == 0 ? "    " : " ", b[i],
                i % 12 == 11 || i + 1 == n ? "\n" : "");
}

static void write_header(FILE *out, const char *out_name, char **objs, size_t nobj,
                         const Stencil *st, size_t nst)
{
    fprintf(out, "/* %s -- generated by tools/stencilgen from", out_name);
    for (size_t i = 0; i < nobj; i++)
        fprintf(out, " %s", base_name(objs[i]));
    fprintf(out, ".\n** Do not edit: jit/jit.mk rebuilds it from the stencil sources.\n"
                 "**\n"
                 "** Per stencil: its disassembly (objdump, before patching: each hole is a\n"
                 "** relocation line under its instruction), its code, its holes\n"
                 "** {offset, kind, symbol, instruction, addend} and any read-only data.\n"
                 "** jit_stencil_table at the end maps JitStencilId to JitStencil. */\n"
                 "#include <stddef.h>\n"
                 "#include <stdint.h>\n\n"
                 "#include \"jit/stencil.h\"\n");
    for (size_t i = 0; i < nst; i++) {
        const Stencil *s = &st[i];
        fprintf(out, "\n/* -- %s (%s) ", s->name, s->object);
        for (size_t k = strlen(s->name) + strlen(s->object) + 11; k < 76; k++)
            fputc('-', out);
        fprintf(out, " */\n");
        if (s->ndis > 0) {
            fprintf(out, "/*\n");
            for (size_t k = 0; k < s->ndis; k++)
                fprintf(out, "** %s\n", s->dis[k]);
            fprintf(out, "*/\n");
        }
        if (s->code_size > 0) {
            fprintf(out, "static const uint8_t jit_code_%s[%u] = {\n", s->name, s->code_size);
            emit_bytes(out, s->code, s->code_size);
            fprintf(out, "};\n");
        }
        if (s->nholes > 0) {
            fprintf(out, "static const JitHole jit_holes_%s[%zu] = {\n", s->name, s->nholes);
            for (size_t k = 0; k < s->nholes; k++) {
                const JitHole *h = &s->holes[k];
                fprintf(out, "    {0x%x, %s, %s, %s, %d},\n", (unsigned)h->offset,
                        kind_enum_names[h->kind], sym_enum_names[h->sym],
                        insn_enum_names[h->insn], (int)h->addend);
            }
            fprintf(out, "};\n");
        }
        if (s->data_size > 0) {
            fprintf(out, "static const uint8_t jit_data_%s[%u] = {\n", s->name, s->data_size);
            emit_bytes(out, s->data, s->data_size);
            fprintf(out, "};\n");
        }
    }
    fprintf(out, "\n/* -- The table ");
    for (int k = 0; k < 62; k++)
        fputc('-', out);
    fprintf(out, " */\n\nstatic const JitStencil jit_stencil_table[JIT_ST__COUNT] = {\n");
    for (size_t i = 0; i < nst; i++) {
        const Stencil *s = &st[i];
        fprintf(out, "    [JIT_ST_%s] = {\"%s\", ", s->name, s->name);
        if (s->code_size > 0)
            fprintf(out, "jit_code_%s, %u, ", s->name, s->code_size);
        else
            fprintf(out, "NULL, 0, ");
        fprintf(out, "%zu, %u, ", s->nholes, s->data_align);
        if (s->nholes > 0)
            fprintf(out, "jit_holes_%s, ", s->name);
        else
            fprintf(out, "NULL, ");
        if (s->data_size > 0)
            fprintf(out, "jit_data_%s, %u},\n", s->name, s->data_size);
        else
            fprintf(out, "NULL, 0},\n");
    }
    fprintf(out, "};\n");
}

static int cmd_header(int argc, char **argv)
{
    const char *out_path = NULL;
    if (argc >= 2 && strcmp(argv[0], "-o") == 0) {
        out_path = argv[1];
        argc -= 2;
        argv += 2;
    }
    if (out_path == NULL || argc == 0 || argc % 2 != 0)
        die("usage: stencilgen header -o OUT.h OBJ.o OBJ.dis [OBJ.o OBJ.dis]...");
    size_t nobj = (size_t)argc / 2;
    char **objs = xmalloc(nobj * sizeof *objs);
    Stencil *st = NULL;
    size_t nst = 0, cap = 0;
    for (size_t i = 0; i < nobj; i++) {
        objs[i] = argv[2 * i];
        size_t first = nst;
        read_stencils(argv[2 * i], &st, &nst, &cap);
        attach_disassembly(argv[2 * i + 1], st + first, nst - first);
    }
    for (size_t i = 0; i < nst; i++)
        for (size_t k = i + 1; k < nst; k++)
            if (strcmp(st[i].name, st[k].name) == 0)
                die("stencil %s is defined in both %s and %s", st[i].name,
                    st[i].object, st[k].object);
    /* Written to a temporary first, so a failed run leaves no header. */
    size_t tl = strlen(out_path) + 5;
    char *tmp = xmalloc(tl);
    snprintf(tmp, tl, "%s.tmp", out_path);
    FILE *out = fopen(tmp, "w");
    if (out == NULL)
        die("cannot write %s: %s", tmp, strerror(errno));
    write_header(out, base_name(out_path), objs, nobj, st, nst);
    if (fclose(out) != 0 || rename(tmp, out_path) != 0)
        die("cannot write %s: %s", out_path, strerror(errno));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "tidy") == 0)
        return cmd_tidy(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "header") == 0)
        return cmd_header(argc - 2, argv + 2);
    fprintf(stderr, "usage: stencilgen tidy IN.s OUT.s\n"
                    "       stencilgen header -o OUT.h OBJ.o OBJ.dis [OBJ.o OBJ.dis]...\n");
    return 2;
}
