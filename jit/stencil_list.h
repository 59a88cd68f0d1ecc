/* stencil_list.h -- every stencil template, and the register variants each
** one is instantiated for.
**
** A template is one operation written once in C (a .c file in jit/stencils/); its
** SHAPE says which operands are registers and so which variants exist. A
** shape is a string of roles, one letter per register operand, outputs
** first: r = a value register written, R = one read, f / F the same for a
** double register, g / G the same for the upper doubles f4-f7 (which
** only moves name). Each role ranges over four registers (r0-r3, f0-f3),
** so shape rRR (r_d = op(r_a, r_b)) has 4*4*4 = 64 variants, named
** TEMPLATE_rD_rA_rB, e.g. add_int_r2_r0_r1. Two shapes have no roles:
** N is a templated stencil without register operands, raw is a stencil
** written by hand (it does not end in the usual way: loop, exits, trap).
**
** This list is the contract between the stencil sources, the generated
** header and the emitter: jit/stencil.h expands it into the stencil ids
** (JIT_ST_add_int_r2_r0_r1) and the per-template index (JIT_T_add_int),
** and each jit/stencils/NAME.c instantiates its own group with
** JIT_STENCILS_NAME(JIT_INSTANTIATE), so a template cannot be built with
** a shape other than the one listed here.
**
** Operands that are not registers come from holes (jit/stencil.h):
** SLOT (a frame or spill slot's byte offset), OPERAND0 (an int32
** constant or exit number), CONST (64 bits), TARGET, EXIT, HELPER.
** "exits" below means: when the condition fails the stencil jumps to
** EXIT with every register as it was on entry (INVARIANT(exit-sees-
** inputs) in jit/stencils/template.h).
*/
#ifndef LX_JIT_STENCIL_LIST_H
#define LX_JIT_STENCIL_LIST_H

/* -- The templates, one group per source file ------------------------- */

/* X(name, shape, what it does) */

/* jit/stencils/frame.c: frame slots, type guards, boxing, spills. */
#define JIT_STENCILS_FRAME(X)                                                \
    X(load_val,   r,  "r = base[SLOT], the raw boxed Value")                  \
    X(load_int,   r,  "r = base[SLOT] as an int; exits unless it is one")      \
    X(load_num,   f,  "f = base[SLOT] as a double; exits unless it is one")    \
    X(load_tonum, f,  "f = base[SLOT] as a double, ints converted; exits "     \
                      "unless it is a number")                                 \
    X(store_val,  R,  "base[SLOT] = r, a raw Value")                           \
    X(store_int,  R,  "base[SLOT] = r boxed as an int")                        \
    X(store_num,  F,  "base[SLOT] = f boxed as a double (NaN canonicalized)")  \
    X(guard_int,  R,  "exits unless the Value in r is an int")                 \
    X(guard_num,  R,  "exits unless the Value in r is a double")               \
    X(guard_val,  R,  "exits unless r == CONST (identity: callee, class)")     \
    X(unbox_num,  fR, "f = the Value in r as a double; exits unless it is "    \
                      "one")                                                   \
    X(box_int,    rR, "r_d = r_a boxed as an int")                             \
    X(box_num,    rF, "r = f boxed as a double (NaN canonicalized)")           \
    X(spill,      R,  "ctx->spill at byte offset SLOT = r")                    \
    X(reload,     r,  "r = ctx->spill at byte offset SLOT")                    \
    X(spill_num,  F,  "ctx->spill at byte offset SLOT = f")                    \
    X(reload_num, f,  "f = ctx->spill at byte offset SLOT")

/* jit/stencils/int.c: int32 arithmetic and comparisons. Every result that
** does not fit int32 exits, and so does every result that would be -0
** (INVARIANT(int-never-neg-zero) in vm/value.h), so the interpreter
** redoes the operation in doubles. */
#define JIT_STENCILS_INT(X)                                                  \
    X(const_int,  r,   "r = OPERAND0 (an int32)")                              \
    X(mov,        rR,  "r_d = r_a")                                           \
    X(add_int,    rRR, "r_d = r_a + r_b; exits on overflow")                  \
    X(sub_int,    rRR, "r_d = r_a - r_b; exits on overflow")                  \
    X(mul_int,    rRR, "r_d = r_a * r_b; exits on overflow or -0")            \
    X(addk_int,   rR,  "r_d = r_a + OPERAND0; exits on overflow")             \
    X(subk_int,   rR,  "r_d = r_a - OPERAND0; exits on overflow")             \
    X(mulk_int,   rR,  "r_d = r_a * OPERAND0; exits on overflow or -0")       \
    X(modk_int,   rR,  "r_d = r_a % OPERAND0 floored, OPERAND0 in 2.."        \
                       "JIT_MODK_MAX, CONST its reciprocal (int.c); never "    \
                       "exits")                                                \
    X(div_int,    rRR, "r_d = r_a / r_b; exits unless that is an int32 "     \
                       "(exact, not -0)")                                      \
    X(divp2_int,  rR,  "r_d = r_a / 2^OPERAND0; exits unless exact")          \
    X(neg_int,    rR,  "r_d = -r_a; exits on INT32_MIN or 0 (-0)")            \
    X(lt_int,     RR,  "exits unless r_a < r_b")                              \
    X(le_int,     RR,  "exits unless r_a <= r_b")                             \
    X(gt_int,     RR,  "exits unless r_a > r_b")                              \
    X(ge_int,     RR,  "exits unless r_a >= r_b")                             \
    X(eq_int,     RR,  "exits unless r_a == r_b")                             \
    X(ne_int,     RR,  "exits unless r_a != r_b")                             \
    X(ltk_int,    R,   "exits unless r < OPERAND0")                           \
    X(lek_int,    R,   "exits unless r <= OPERAND0")                          \
    X(gtk_int,    R,   "exits unless r > OPERAND0")                           \
    X(gek_int,    R,   "exits unless r >= OPERAND0")                          \
    X(eqk_int,    R,   "exits unless r == OPERAND0")                          \
    X(nek_int,    R,   "exits unless r != OPERAND0")

/* jit/stencils/num.c: double arithmetic and comparisons. A comparison
** with a NaN is false, so "exits unless !(a < b)" is not "exits unless
** a >= b": the n* guards are the negations the recorder needs when a
** branch went the false way. */
#define JIT_STENCILS_NUM(X)                                                  \
    X(const_num,  f,   "f = the double whose bits are CONST")                 \
    X(mov_num,    fF,  "f_d = f_a")                                           \
    X(mov_num_hi, gF,  "g = f: keep a double in f4-f7 (loop invariants)")     \
    X(mov_num_lo, fG,  "f = g: bring a double back from f4-f7")               \
    X(int_to_num, fR,  "f = (double)(int32)r")                                \
    X(add_num,    fFF, "f_d = f_a + f_b")                                     \
    X(sub_num,    fFF, "f_d = f_a - f_b")                                     \
    X(mul_num,    fFF, "f_d = f_a * f_b")                                     \
    X(div_num,    fFF, "f_d = f_a / f_b")                                     \
    X(neg_num,    fF,  "f_d = -f_a")                                          \
    X(lt_num,     FF,  "exits unless f_a < f_b")                              \
    X(le_num,     FF,  "exits unless f_a <= f_b")                             \
    X(gt_num,     FF,  "exits unless f_a > f_b")                              \
    X(ge_num,     FF,  "exits unless f_a >= f_b")                             \
    X(eq_num,     FF,  "exits unless f_a == f_b")                             \
    X(ne_num,     FF,  "exits unless f_a != f_b (true for NaN)")              \
    X(nlt_num,    FF,  "exits unless !(f_a < f_b)")                           \
    X(nle_num,    FF,  "exits unless !(f_a <= f_b)")                          \
    X(ngt_num,    FF,  "exits unless !(f_a > f_b)")                           \
    X(nge_num,    FF,  "exits unless !(f_a >= f_b)")

/* jit/stencils/control.c: constants, control flow, exits, calls to C. */
#define JIT_STENCILS_CONTROL(X)                                              \
    X(const_val,  r,   "r = CONST (64 bits: a boxed Value, a pointer)")       \
    X(loop,       raw, "jump to TARGET (the loop head)")                      \
    X(exit_stub,  raw, "ctx->exit_no = OPERAND0, then jump to TARGET (the "   \
                       "trace's exit_common)")                                \
    X(exit_common, raw, "save r0-r3, f0-f7 in ctx, return HELPER_EXIT(ctx, "  \
                        "base) to the trace's caller")                        \
    X(count_iter, raw, "the back-edge: one more iteration in f7's bits (an "  \
                       "int64), which exit_common copies to ctx->iters")      \
    X(stop_budget, raw, "exits when the uint32 at CONST (vm->budget) is 1, "  \
                        "counts it down when it is not 0")                    \
    X(call,       rRR, "r_d = HELPER(ctx, base, r_a, r_b)")                   \
    X(call_num,   fFF, "f_d = HELPER(f_a, f_b), a C double function")         \
    X(trap,       raw, "ud2: placed after the last stencil, so running off "  \
                       "the end of a trace faults at once")

/* jit/stencils/lox.c: Lox-specific operations of the trace recorder
** (jit/record.c): globals, upvalues, truthiness and identity guards, the
** int32 floored modulo, the exact double-to-int conversion. */
#define JIT_STENCILS_LOX(X)                                                  \
    X(load_global,  r,   "r = the Value at byte SLOT of *(Value **)CONST: a "   \
                         "global")                                              \
    X(store_global, R,   "the Value at byte SLOT of *(Value **)CONST = r")      \
    X(load_upval,   r,   "r = upvalue OPERAND0 of the closure in base[0]")     \
    X(store_upval,  R,   "upvalue OPERAND0 of the closure in base[0] = r")     \
    X(load_cupval,  rR,  "r_d = upvalue OPERAND0 of the closure Value r_a")    \
    X(guard_truthy, R,   "exits unless the Value in r is truthy")             \
    X(guard_falsey, R,   "exits unless the Value in r is nil or false")       \
    X(guard_nval,   R,   "exits if r == CONST")                               \
    X(not_val,      rR,  "r_d = true if the Value r_a is falsey, else false") \
    X(store_k,      raw, "base[SLOT] = CONST")                                \
    X(mod_int,      rRR, "r_d = r_a % r_b floored; exits if r_b is 0")        \
    X(num_to_int,   rF,  "r = f as an int32; exits unless f is one exactly "  \
                         "(and not -0)")                                       \
    X(call_native_r0, raw, "r0 = HELPER(ctx, base, OPERAND0), every register " \
                           "saved in ctx first; exits if it is UNDEF_VAL")   \
    X(call_native_r1, raw, "the same into r1")                                 \
    X(call_native_r2, raw, "the same into r2")                                 \
    X(call_native_r3, raw, "the same into r3")                                 \
    X(get_field,    rR,  "r_d = the value of the entry at byte offset SLOT " \
                         "of the fields of r_a; exits unless r_a is an "       \
                         "instance whose fields' mask is OPERAND0 and that "   \
                         "entry's key CONST (an ObjString *)")                 \
    X(set_field,    RR,  "the value of that entry (get_field's guard) = r_b " \
                         "(a raw Value)")                                      \
    X(get_field_i,  rR,  "get_field for r_a known to be an instance")        \
    X(set_field_i,  RR,  "set_field for r_a known to be an instance")        \
    X(get_field_k,  rR,  "get_field for r_a known to be an instance whose "  \
                         "fields' mask is the one recorded: guards the key") \
    X(set_field_k,  RR,  "set_field for r_a known so")                        \
    X(get_field_e,  rR,  "get_field for r_a known to have the field in that " \
                         "entry: no guard")                                    \
    X(set_field_e,  RR,  "set_field for r_a known so")                        \
    X(guard_class,  R,   "exits unless r is an instance of the class CONST")  \
    X(guard_class_i, R,  "guard_class for r known to be an instance")         \
    X(check_nofield, R,  "exits if r has a field CONST (hash OPERAND0); r "  \
                         "is an instance (a guard_class on it came before)")   \
    X(get_item,     rRR, "r_d = item r_b (an int) of the list r_a; exits "    \
                         "unless r_a is a list and r_b in range")              \
    X(list_len,     rR,  "r_d = the length of the list r_a (an int); exits "  \
                         "unless r_a is a list")                               \
    X(push_item,    RR,  "append r_b (a raw Value) to the list r_a; exits "   \
                         "unless r_a is a list with room (growing allocates)") \
    X(set_item,     RRR, "item r_b (an int) of the list r_a = r_c (a raw "    \
                         "Value); exits unless r_a is a list, r_b in range")   \
    X(add_field,    RR,  "field CONST of r_a = r_b (a raw Value), added when " \
                         "new; exits unless r_a is an instance and a new "     \
                         "field fits its table without growing it")            \
    X(add_field_int, RR, "add_field with r_b an int (boxed here, which saves " \
                         "a scratch register)")                                \
    X(guard_eq,     RR,  "exits unless r_a == r_b in Lox (raw Values); two "   \
                         "distinct strings or pointers go to HELPER")          \
    X(guard_ne,     RR,  "exits if r_a == r_b in Lox (raw Values)")            \
    X(map_version,  rR,  "r_d = the version of the map r_a (an int); exits "  \
                         "unless r_a is a map")                                \
    X(map_skip,     rRR, "r_d = the first position at or after r_b (an int) " \
                         "of a live entry of the map r_a, or -1")              \
    X(map_key,      rRR, "r_d = the key of entry r_b of the map r_a")          \
    X(str_len,      rR,  "r_d = the length of the string r_a (an int); exits " \
                         "unless r_a is a string")                             \
    X(str_byte,     rRR, "r_d = ((ObjString **)CONST)[byte r_b of the string " \
                         "r_a]: vm->byte_strings")                             \
    X(range_field,  fR,  "f = the double at byte offset OPERAND0 of the "     \
                         "range r_a; exits unless r_a is a range")              \
    X(map_find,     rRR, "r_d = the address of the entry of key r_b (an "      \
                         "interned string) in the map r_a, or 0; exits "       \
                         "unless r_a is a map and r_b such a key")             \
    X(map_value,    rR,  "r_d = the value of the map entry at address r_a")   \
    X(map_set_value, RR, "the value of the map entry at address r_a = r_b")   \
    X(str_code,     rRR, "r_d = byte r_b (an int in range) of the string r_a, " \
                         "as an int")                                          \
    X(bound_recv,   rRR, "r_d = the receiver of the bound method r_a; exits " \
                         "unless r_a is one whose method is r_b")              \
    X(alloc_fields_r0, raw, "HELPER(ctx, base, OPERAND0, r0), every register "  \
                            "saved in ctx first; exits if it is UNDEF_VAL")    \
    X(alloc_fields_r1, raw, "the same with r1")                                 \
    X(alloc_fields_r2, raw, "the same with r2")                                 \
    X(alloc_fields_r3, raw, "the same with r3")

/* jit/stencils/side.c: what side traces need (jit/side.c). */
#define JIT_STENCILS_SIDE(X)                                                 \
    X(ctx_store,    raw, "*(uint64_t *)((char *)ctx + SLOT) = CONST: a word " \
                         "of the JIT's state next to ctx (JitState.running)")

#define JIT_STENCILS(X)                                                      \
    JIT_STENCILS_FRAME(X)                                                    \
    JIT_STENCILS_INT(X)                                                      \
    JIT_STENCILS_NUM(X)                                                      \
    JIT_STENCILS_CONTROL(X)                                                  \
    JIT_STENCILS_LOX(X)                                                      \
    JIT_STENCILS_SIDE(X)

/* The largest divisor modk_int takes (its reciprocal's error bound). */
#define JIT_MODK_MAX 65535

/* -- Shapes: variant expansion ---------------------------------------- */

/* JIT_SHAPE_<shape>(V, t) calls V(t, variant_name, reg tokens...) once per
** variant, registers varying fastest on the right, so the variants of a
** template are consecutive and variant index = sum of reg_i * 4^(n-1-i).
** The register tokens (r0, f2, ...) are the stencil parameter names, so
** the stencil side uses them directly as variables. The preprocessor does
** not expand a macro inside itself, hence one iterator per depth. */
#define JIT__E1_r(M, ...) M(__VA_ARGS__, r0) M(__VA_ARGS__, r1) M(__VA_ARGS__, r2) M(__VA_ARGS__, r3)
#define JIT__E2_r(M, ...) M(__VA_ARGS__, r0) M(__VA_ARGS__, r1) M(__VA_ARGS__, r2) M(__VA_ARGS__, r3)
#define JIT__E3_r(M, ...) M(__VA_ARGS__, r0) M(__VA_ARGS__, r1) M(__VA_ARGS__, r2) M(__VA_ARGS__, r3)
#define JIT__E1_f(M, ...) M(__VA_ARGS__, f0) M(__VA_ARGS__, f1) M(__VA_ARGS__, f2) M(__VA_ARGS__, f3)
#define JIT__E2_f(M, ...) M(__VA_ARGS__, f0) M(__VA_ARGS__, f1) M(__VA_ARGS__, f2) M(__VA_ARGS__, f3)
#define JIT__E3_f(M, ...) M(__VA_ARGS__, f0) M(__VA_ARGS__, f1) M(__VA_ARGS__, f2) M(__VA_ARGS__, f3)

#define JIT__E1_g(M, ...) M(__VA_ARGS__, f4) M(__VA_ARGS__, f5) M(__VA_ARGS__, f6) M(__VA_ARGS__, f7)
#define JIT__E2_g(M, ...) M(__VA_ARGS__, f4) M(__VA_ARGS__, f5) M(__VA_ARGS__, f6) M(__VA_ARGS__, f7)

#define JIT_SHAPE_raw(V, t) V(t, t)
#define JIT_SHAPE_N(V, t)   V(t, t)

#define JIT__1(V, t, a) V(t, t##_##a, a)
#define JIT_SHAPE_r(V, t) JIT__E1_r(JIT__1, V, t)
#define JIT_SHAPE_R(V, t) JIT__E1_r(JIT__1, V, t)
#define JIT_SHAPE_f(V, t) JIT__E1_f(JIT__1, V, t)
#define JIT_SHAPE_F(V, t) JIT__E1_f(JIT__1, V, t)

#define JIT__2(V, t, a, b) V(t, t##_##a##_##b, a, b)
#define JIT__2r(V, t, a) JIT__E2_r(JIT__2, V, t, a)
#define JIT__2f(V, t, a) JIT__E2_f(JIT__2, V, t, a)
#define JIT_SHAPE_rR(V, t) JIT__E1_r(JIT__2r, V, t)
#define JIT_SHAPE_RR(V, t) JIT__E1_r(JIT__2r, V, t)
#define JIT_SHAPE_fF(V, t) JIT__E1_f(JIT__2f, V, t)
#define JIT_SHAPE_FF(V, t) JIT__E1_f(JIT__2f, V, t)
#define JIT_SHAPE_fR(V, t) JIT__E1_f(JIT__2r, V, t)
#define JIT_SHAPE_rF(V, t) JIT__E1_r(JIT__2f, V, t)
#define JIT__2g(V, t, a) JIT__E2_g(JIT__2, V, t, a)
#define JIT_SHAPE_gF(V, t) JIT__E1_g(JIT__2f, V, t)
#define JIT_SHAPE_fG(V, t) JIT__E1_f(JIT__2g, V, t)

#define JIT__3(V, t, a, b, c) V(t, t##_##a##_##b##_##c, a, b, c)
#define JIT__3r(V, t, a, b) JIT__E3_r(JIT__3, V, t, a, b)
#define JIT__3f(V, t, a, b) JIT__E3_f(JIT__3, V, t, a, b)
#define JIT__3rr(V, t, a) JIT__E2_r(JIT__3r, V, t, a)
#define JIT__3ff(V, t, a) JIT__E2_f(JIT__3f, V, t, a)
#define JIT_SHAPE_rRR(V, t) JIT__E1_r(JIT__3rr, V, t)
#define JIT_SHAPE_RRR(V, t) JIT__E1_r(JIT__3rr, V, t)
#define JIT_SHAPE_fFF(V, t) JIT__E1_f(JIT__3ff, V, t)

/* Register operands per shape: the number of indices stencil_id takes
** (each 0-3 within its role's bank: for g / G, 0 is f4). */
#define JIT_SHAPE_ROLES_raw 0
#define JIT_SHAPE_ROLES_N   0
#define JIT_SHAPE_ROLES_r   1
#define JIT_SHAPE_ROLES_R   1
#define JIT_SHAPE_ROLES_f   1
#define JIT_SHAPE_ROLES_F   1
#define JIT_SHAPE_ROLES_rR  2
#define JIT_SHAPE_ROLES_RR  2
#define JIT_SHAPE_ROLES_fF  2
#define JIT_SHAPE_ROLES_FF  2
#define JIT_SHAPE_ROLES_fR  2
#define JIT_SHAPE_ROLES_rF  2
#define JIT_SHAPE_ROLES_gF  2
#define JIT_SHAPE_ROLES_fG  2
#define JIT_SHAPE_ROLES_rRR 3
#define JIT_SHAPE_ROLES_RRR 3
#define JIT_SHAPE_ROLES_fFF 3

#endif
