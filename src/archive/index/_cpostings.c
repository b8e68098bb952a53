/* archive.index._cpostings: placeholder, filled by the accelerators of archive.index. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyMethodDef methods[] = {
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_cpostings", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__cpostings(void)
{
    PyObject *m = PyModule_Create(&module);
    /* the SHA-256 of this file when it was compiled (setup.py): archive.native uses the module
       only while it is the source's */
    if (m != NULL && PyModule_AddStringConstant(m, "SOURCE_SHA", SOURCE_SHA) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
