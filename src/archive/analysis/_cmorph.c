/* archive.analysis._cmorph: the accelerator of archive.analysis.morphology.
 *
 * candidates(key, tanwin, maksura, prefixes, longest_prefix, suffixes, longest)
 *     Python twin: archive.analysis.morphology.candidates_py (every clitic segmentation of a
 *     lexicon key, cheapest first), the innermost function of the morphology: a word's
 *     lexicon reading asks for it once or more (75,000 new forms at 987 articles), and in
 *     Python it took a quarter of the morphology. The tables are morphology._c_clitic_facts:
 *     the proclitic and enclitic sequences with what candidates asks of each worked out once
 *     (those of morphology._clitic_facts, each enclitic's with person_ending's answers for an
 *     imperfect prefix ن and أ).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "native.h"

#define ALEF 0x0627
#define TEH 0x062A
#define TEH_MARBUTA 0x0629
#define YEH 0x064A
#define NOON 0x0646
#define LAM 0x0644
#define WAW 0x0648

/* positions: "", "n", "v", "b" */
enum { POS_NONE, POS_N, POS_V, POS_B };
static PyObject *pos_names[4];

/* One enclitic sequence's facts (morphology._c_clitic_facts: a suffix's tuple). */
typedef struct {
    PyObject *suffix; /* borrowed */
    long cost;
    int teh, verbal, alef_end, alef_pronoun, yeh_end, noon_ok, alef_ok;
    Py_ssize_t size;
    int ending; /* 0: none, 1: ت, 2: ون, 3: وا */
    Py_UCS4 first; /* the suffix's first letter (0: none) */
} End;

/* One candidate before it becomes a tuple: the core as key[a:b] with an optional letter
 * before and after it (0: none). */
typedef struct {
    long cost;
    Py_ssize_t a, b;
    Py_UCS4 head, tail;
    int bare, pos, art;
} Cand;

static int pos_of(PyObject *pos)
{
    if (!PyUnicode_Check(pos)) {
        PyErr_SetString(PyExc_TypeError, "a position is a string");
        return -1;
    }
    if (PyUnicode_GET_LENGTH(pos) == 0)
        return POS_NONE;
    switch (PyUnicode_READ_CHAR(pos, 0)) {
    case 'n': return POS_N;
    case 'v': return POS_V;
    case 'b': return POS_B;
    }
    PyErr_SetString(PyExc_ValueError, "a position is '', 'n', 'v' or 'b'");
    return -1;
}

static int truth(PyObject *tuple, Py_ssize_t i)
{
    return PyObject_IsTrue(PyTuple_GET_ITEM(tuple, i));
}

/* The facts tuple of an enclitic sequence into `e` (0, or -1 with an exception). */
static int read_end(PyObject *t, End *e)
{
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 11) {
        PyErr_SetString(PyExc_TypeError, "an enclitic's facts are a tuple of 11");
        return -1;
    }
    e->suffix = PyTuple_GET_ITEM(t, 0);
    e->cost = PyLong_AsLong(PyTuple_GET_ITEM(t, 1));
    e->size = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 4));
    if (PyErr_Occurred() || !PyUnicode_Check(e->suffix))
        return -1;
    if ((e->teh = truth(t, 2)) < 0 || (e->verbal = truth(t, 3)) < 0
        || (e->alef_end = truth(t, 5)) < 0 || (e->alef_pronoun = truth(t, 7)) < 0
        || (e->yeh_end = truth(t, 8)) < 0 || (e->noon_ok = truth(t, 9)) < 0
        || (e->alef_ok = truth(t, 10)) < 0)
        return -1;
    PyObject *ending = PyTuple_GET_ITEM(t, 6);
    if (!PyUnicode_Check(ending))
        return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(ending);
    if (n == 0)
        e->ending = 0;
    else if (n == 1)
        e->ending = 1;
    else
        e->ending = PyUnicode_READ_CHAR(ending, 1) == 0x0646 ? 2 : 3;
    e->first = PyUnicode_GET_LENGTH(e->suffix) ? PyUnicode_READ_CHAR(e->suffix, 0) : 0;
    return 0;
}

/* A candidate's core as a string. */
static PyObject *core_of(PyObject *key, int kind, const void *data, const Cand *c)
{
    if (!c->head && !c->tail)
        return PyUnicode_Substring(key, c->a, c->b);
    Py_ssize_t n = (c->b - c->a) + (c->head != 0) + (c->tail != 0);
    Py_UCS4 *buf = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(Py_UCS4));
    if (buf == NULL)
        return PyErr_NoMemory();
    Py_ssize_t j = 0;
    if (c->head)
        buf[j++] = c->head;
    for (Py_ssize_t i = c->a; i < c->b; i++)
        buf[j++] = PyUnicode_READ(kind, data, i);
    if (c->tail)
        buf[j++] = c->tail;
    PyObject *s = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    PyMem_Free(buf);
    return s;
}

#define MAX_ENDS 16

static PyObject *candidates(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "candidates takes 7 arguments");
        return NULL;
    }
    PyObject *key = args[0], *prefixes = args[3], *suffixes = args[5];
    int tanwin = PyObject_IsTrue(args[1]), maksura = PyObject_IsTrue(args[2]);
    Py_ssize_t longest_prefix = PyLong_AsSsize_t(args[4]), longest = PyLong_AsSsize_t(args[6]);
    if (tanwin < 0 || maksura < 0 || PyErr_Occurred())
        return NULL;
    if (!PyUnicode_Check(key) || !PyDict_Check(prefixes) || !PyDict_Check(suffixes)) {
        PyErr_SetString(PyExc_TypeError, "candidates(str, bool, bool, dict, int, dict, int)");
        return NULL;
    }
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);

    /* the enclitic sequences the key ends in, shortest first */
    End ends[MAX_ENDS];
    int n_ends = 0;
    for (Py_ssize_t k = 0; k <= (longest < n ? longest : n); k++) {
        PyObject *tail = PyUnicode_Substring(key, n - k, n);
        if (tail == NULL)
            return NULL;
        PyObject *facts = PyDict_GetItemWithError(suffixes, tail);
        Py_DECREF(tail);
        if (facts == NULL) {
            if (PyErr_Occurred())
                return NULL;
            continue;
        }
        if (n_ends == MAX_ENDS) {
            PyErr_SetString(PyExc_ValueError, "too many enclitic sequences");
            return NULL;
        }
        if (read_end(facts, &ends[n_ends]) < 0)
            return NULL;
        n_ends++;
    }

    Cand *out = NULL;
    Py_ssize_t n_out = 0, cap = 0;
#define EMIT(COST, A, B, HEAD, TAIL, BARE, POS)                                             \
    do {                                                                                   \
        if (n_out >= cap) {                                                                \
            Cand *grown = native_grown(out, &cap, n_out + 1, sizeof(Cand), 16);            \
            if (grown == NULL)                                                             \
                goto fail;                                                                 \
            out = grown;                                                                   \
        }                                                                                  \
        out[n_out++] = (Cand){(COST), (A), (B), (HEAD), (TAIL), (BARE), (POS), art};       \
    } while (0)

    for (Py_ssize_t k = 0; k <= (longest_prefix < n ? longest_prefix : n); k++) {
        PyObject *prefix = PyUnicode_Substring(key, 0, k);
        if (prefix == NULL)
            goto fail;
        PyObject *facts = PyDict_GetItemWithError(prefixes, prefix);
        Py_DECREF(prefix);
        if (facts == NULL) {
            if (PyErr_Occurred())
                goto fail;
            continue;
        }
        if (!PyTuple_Check(facts) || PyTuple_GET_SIZE(facts) != 6) {
            PyErr_SetString(PyExc_TypeError, "a proclitic's facts are a tuple of 6");
            goto fail;
        }
        long pcost = PyLong_AsLong(PyTuple_GET_ITEM(facts, 0));
        int art = truth(facts, 1), is_future = truth(facts, 3);
        PyObject *prep = PyTuple_GET_ITEM(facts, 2), *positions = PyTuple_GET_ITEM(facts, 5);
        int bare_pos = pos_of(PyTuple_GET_ITEM(facts, 4));
        if (PyErr_Occurred() || art < 0 || is_future < 0 || bare_pos < 0)
            goto fail;
        if (!PyUnicode_Check(prep) || !PyDict_Check(positions)) {
            PyErr_SetString(PyExc_TypeError, "bad proclitic facts");
            goto fail;
        }
        Py_ssize_t prep_len = PyUnicode_GET_LENGTH(prep);
        int prep_lam = prep_len == 1 && PyUnicode_READ_CHAR(prep, 0) == LAM;
        for (int e = 0; e < n_ends; e++) {
            const End *end = &ends[e];
            Py_ssize_t size = end->size;
            if (n - k - size < 2)
                break;
            if (maksura && end->yeh_end)
                continue;
            Py_ssize_t a = k, b = n - size, len = b - a;
            long cost = pcost + end->cost;
            int bare = size == 0;
            PyObject *p = PyDict_GetItemWithError(positions, end->suffix);
            if (p == NULL) {
                if (!PyErr_Occurred())
                    PyErr_SetObject(PyExc_KeyError, end->suffix);
                goto fail;
            }
            int pos = pos_of(p);
            if (pos < 0)
                goto fail;
            Py_UCS4 first = PyUnicode_READ(kind, data, a);
            Py_UCS4 last = PyUnicode_READ(kind, data, b - 1);
            int genitive = prep_len > 0 && end->alef_end;
            if (genitive)
                pos = prep_lam && (pos == POS_B || pos == POS_V) ? POS_V : POS_NONE;
            if (pos != POS_NONE && is_future
                && !(first == YEH || first == TEH || first == NOON || first == ALEF))
                pos = POS_NONE;
            if (pos != POS_NONE)
                EMIT(cost, a, b, 0, 0, bare, pos);
            if (tanwin && size == 1 && end->first == ALEF && !art && last != ALEF && !genitive)
                EMIT(cost - 1, a, b, 0, 0, 0, POS_N);
            if (end->teh && !bare && bare_pos != POS_V) {
                if (last == TEH && end->first != TEH)
                    EMIT(cost, a, b - 1, 0, TEH_MARBUTA, 0, POS_N);
                else if (end->first != TEH && last != TEH_MARBUTA)
                    EMIT(cost, a, b, 0, TEH_MARBUTA, 0, POS_N);
            }
            if (end->verbal && bare_pos != POS_N && (first == TEH || first == NOON || first == ALEF)
                && len >= 3
                && (first == TEH || (first == NOON ? end->noon_ok : end->alef_ok)))
                EMIT(cost + 2, a + 1, b, YEH, 0, 0, POS_V);
            if (end->ending != 0 && bare_pos != POS_N) {
                if (end->ending != 1 && (first == YEH || first == TEH || first == NOON)
                    && len >= 3)
                    EMIT(cost, a, b, 0, YEH, 0, POS_V);
                if (end->ending != 2 && first != YEH && !is_future) {
                    EMIT(cost, a, b, 0, YEH, 0, POS_V);
                    if (len == 2)
                        EMIT(cost, a, b, 0, ALEF, 0, POS_V);
                }
            }
            if (end->alef_pronoun && last == ALEF && len >= 3
                && !(first == ALEF && PyUnicode_READ(kind, data, a + 1) == LAM)
                && !(PyUnicode_READ(kind, data, a + 1) == ALEF
                     && PyUnicode_READ(kind, data, a + 2) == LAM))
                EMIT(cost, a, b - 1, 0, YEH, 0, pos);
        }
    }
#undef EMIT

    /* cheapest first, in the order found among equals (list.sort is stable) */
    for (Py_ssize_t i = 1; i < n_out; i++) {
        Cand c = out[i];
        Py_ssize_t j = i;
        while (j > 0 && out[j - 1].cost > c.cost) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = c;
    }
    PyObject *result = PyList_New(n_out);
    if (result == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < n_out; i++) {
        const Cand *c = &out[i];
        PyObject *core = core_of(key, kind, data, c);
        PyObject *cost = core != NULL ? PyLong_FromLong(c->cost) : NULL;
        if (cost == NULL) {
            Py_XDECREF(core);
            Py_DECREF(result);
            goto fail;
        }
        PyObject *t = PyTuple_Pack(5, cost, core, c->bare ? Py_True : Py_False,
                                   pos_names[c->pos], c->art ? Py_True : Py_False);
        Py_DECREF(cost);
        Py_DECREF(core);
        if (t == NULL) {
            Py_DECREF(result);
            goto fail;
        }
        PyList_SET_ITEM(result, i, t);
    }
    PyMem_Free(out);
    return result;
fail:
    PyMem_Free(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"candidates", (PyCFunction)(void (*)(void))candidates, METH_FASTCALL,
     "candidates(key, tanwin, maksura, prefixes, longest_prefix, suffixes, longest): "
     "archive.analysis.morphology.candidates_py in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_cmorph", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__cmorph(void)
{
    const char *names[4] = {"", "n", "v", "b"};
    for (int i = 0; i < 4; i++) {
        if (pos_names[i] == NULL && (pos_names[i] = PyUnicode_InternFromString(names[i])) == NULL)
            return NULL;
    }
    return native_module(&module);
}
