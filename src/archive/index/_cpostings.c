/* archive.index._cpostings: placeholder, filled by the accelerators of archive.index. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyMethodDef methods[] = {
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cpostings", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit__cpostings(void) { return PyModule_Create(&module); }
