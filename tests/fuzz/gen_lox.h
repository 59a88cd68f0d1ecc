/* gen_lox.h -- the random Lox program generator as a library function
** (tests/fuzz/gen_lox.c; the gen_lox tool is the same file with a main). */
#ifndef LX_GEN_LOX_H
#define LX_GEN_LOX_H

#include <stdint.h>
#include <stdio.h>

/* Write one program to `to`: a pure function of seed (the generator's
** whole state is reset first, so calls may come in any order). */
void gen_program(uint64_t seed, FILE *to);

#endif
