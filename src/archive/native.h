/* What the package's C modules share (setup.py compiles each with this header beside it).
 *
 * SOURCE_SHA: the SHA-256 of the module's C source and of this header as they were compiled
 * (setup.py defines it); archive.native uses a module only while its sources are the same, so
 * an editable install whose C changed since `pip install -e .` runs the pure-Python twins. */
#ifndef ARCHIVE_NATIVE_H
#define ARCHIVE_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

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

#endif
