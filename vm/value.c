/* value.c -- Lox equality on Values.
**
** Kept out of line (vm/value.h declares it) because the string case needs
** ObjString; the interpreter's `==` can test the bit-identical case
** itself before calling.
*/
#include "vm/object.h"
#include "vm/value.h"

bool value_equal(Value a, Value b)
{
    /* Numbers first: by value across encodings, so int 1 == 1.0, 0 == -0,
    ** and NaN (one canonical bit pattern) is unequal to itself. */
    if (is_number(a) && is_number(b)) {
        if (is_int(a) && is_int(b))
            return a == b;
        return as_num(a) == as_num(b);
    }
    if (a == b)
        return true;
    /* Long strings are not interned: equal text may be two objects. */
    if (is_obj_type(a, OBJ_STRING) && is_obj_type(b, OBJ_STRING))
        return str_equal((ObjString *)as_obj(a), (ObjString *)as_obj(b));
    /* ffi pointers are addresses: one address, one value. */
    if (is_obj_type(a, OBJ_POINTER) && is_obj_type(b, OBJ_POINTER))
        return AS_POINTER(a)->addr == AS_POINTER(b)->addr;
    return false;
}
