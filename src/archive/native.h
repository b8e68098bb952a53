/* What the package's C modules share (setup.py compiles each with this header beside it).
 *
 * SOURCE_SHA: the SHA-256 of the module's C source and of this header as they were compiled
 * (setup.py defines it); archive.native uses a module only while its sources are the same, so
 * an editable install whose C changed since `pip install -e .` runs the pure-Python twins. */
#ifndef ARCHIVE_NATIVE_H
#define ARCHIVE_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* The module of `def`, with its SOURCE_SHA (NULL and an exception on failure). */
static inline PyObject *
native_module(PyModuleDef *def)
{
    PyObject *m = PyModule_Create(def);
    if (m != NULL && PyModule_AddStringConstant(m, "SOURCE_SHA", SOURCE_SHA) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

/* The array *p of *cap items of `size` bytes, grown to hold `need` items (call it when need >
 * *cap): the capacity doubles from `first` items. Returns the array, which may have moved, and
 * sets *cap; NULL with MemoryError when it cannot (then *p is still valid and *cap unchanged).
 * Doubling keeps appending one item at a time linear overall. */
static void *
native_grown(void *p, Py_ssize_t *cap, Py_ssize_t need, size_t size, Py_ssize_t first)
{
    Py_ssize_t c = *cap > 0 ? *cap : first;
    while (c < need) {
        if (c > PY_SSIZE_T_MAX / 2 / (Py_ssize_t)size) {
            PyErr_NoMemory();
            return NULL;
        }
        c *= 2;
    }
    void *q = PyMem_Realloc(p, (size_t)c * size);
    if (q == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    *cap = c;
    return q;
}

/* ---- a growable byte buffer (the bytes a call returns are built in one) -------------- */

typedef struct {
    char *p;
    Py_ssize_t len, cap;
} Buf;

/* Room for `more` bytes (inline: called for every value written). */
static inline int
buf_reserve(Buf *b, Py_ssize_t more)
{
    if (b->len + more <= b->cap)
        return 0;
    if (more > PY_SSIZE_T_MAX - b->len) {
        PyErr_NoMemory();
        return -1;
    }
    char *p = native_grown(b->p, &b->cap, b->len + more, 1, 4096);
    if (p == NULL)
        return -1;
    b->p = p;
    return 0;
}

static inline int
buf_put(Buf *b, const void *src, Py_ssize_t n)
{
    if (buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->p + b->len, src, (size_t)n);
    b->len += n;
    return 0;
}

static inline int
buf_byte(Buf *b, unsigned char c)
{
    if (buf_reserve(b, 1) < 0)
        return -1;
    b->p[b->len++] = (char)c;
    return 0;
}

#endif
