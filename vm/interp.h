/* interp.h -- the interpreter's entry points inside vm/ (not a public
** header: the CLI and the library use vm/vm.h).
**
** vm_run executes frames until the frame count drops back to stop_frame,
** i.e. until the frame pushed just before the call returns. Calls from
** Lox to Lox stay inside one vm_run; only natives that call back
** (vm_call) and imports nest C frames, bounded by LX_MAX_NATIVE_DEPTH.
*/
#ifndef LX_INTERP_H
#define LX_INTERP_H

#include "vm/vm.h"

void vm_run(VM *vm, int stop_frame);

/* Call stack[at] with the argc values above it. A Lox callee gets a new
** frame and the result is true (run it with vm_run); anything else runs
** to completion, leaves its result in stack[at] and returns false. The
** caller has saved its pc (PROTOCOL(save-pc)). */
bool vm_call_value(VM *vm, uint32_t at, int argc);

/* Push a frame for closure cl whose callee slot is stack[at]. */
void vm_push_frame(VM *vm, ObjClosure *cl, uint32_t at, int argc);

/* Close every open upvalue at or above `last`. */
void vm_close_upvals(VM *vm, Value *last);

/* The open upvalue of slot (made and linked in if there is none): what
** CLOSURE captures; for the JIT's CLOSURE run in C (jit/ncall.c). */
ObjUpvalue *vm_capture_upval(VM *vm, Value *slot);

/* The one-byte string for byte b (cached, see VM.byte_strings). */
static inline ObjString *vm_byte_string(VM *vm, uint8_t b) { return vm->byte_strings[b]; }

#endif
