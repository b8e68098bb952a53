/* archive.browser._cshards: placeholder, filled by the accelerators of archive.browser. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyMethodDef methods[] = {
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cshards", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit__cshards(void) { return PyModule_Create(&module); }
