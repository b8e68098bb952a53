/* archive.site._croots: placeholder, filled by the accelerators of archive.site.roots. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "native.h"

static PyMethodDef methods[] = {
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_croots", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__croots(void)
{
    return native_module(&module);
}
