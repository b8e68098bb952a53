/* archive.site._croots: the accelerators of archive.site.roots.
 *
 * stem_pattern(stem, root, radicals, literals, weak, nouns, verbs, max_stem)
 *     Python twin: archive.site.roots._stem_pattern (the body of roots.stem_pattern, with
 *     roots._readings). The root count reads the pattern of every new (stem, root) pair
 *     (16,555 at 987 articles); in Python each took a recursive search with a list per step.
 *     The tables come from roots._pattern_tables (made from the analyzer's own functions):
 *     radicals / literals map a letter to its radical (a string of 0-2 letters) / its letter
 *     in a pattern where that is not the letter itself; weak: root letter -> the letters that
 *     may write it; nouns: NOUN_PATTERNS; verbs: VERB_LIKE as a frozenset.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "native.h"

#define MAX_ROOT 4
#define MAX_STEM 64

typedef struct {
    Py_UCS4 rad[MAX_STEM][2]; /* each letter's radical (as roots._readings' rads) */
    int rad_len[MAX_STEM];    /* 0, 1 or 2 letters */
    Py_UCS4 lit[MAX_STEM];    /* each letter as patterns spell it (literal) */
    Py_ssize_t n;
    Py_UCS4 root[MAX_ROOT];
    Py_ssize_t m;
    PyObject *weak[MAX_ROOT]; /* borrowed: WEAK_SPELLINGS.get(root[k]) or NULL */
    PyObject *nouns, *verbs;
    const char *fem;          /* "" or "+ة" (UTF-8) */
    /* the best reading so far: its key (-same, known ? 0 : 1, pattern) */
    int found, best_same, best_known;
    Py_UCS4 best[MAX_STEM];
    Py_UCS4 cur[MAX_STEM];
} Search;

/* Whether radical ``k`` of the stem's letter may stand for the root letter ``r`` as a weak
 * spelling: ``rads[pos] in WEAK_SPELLINGS.get(r, "")`` (a substring test: an empty radical,
 * a dropped ة, is in any string). */
static int weak_spelling(Search *s, Py_ssize_t pos, Py_ssize_t k)
{
    int len = s->rad_len[pos];
    if (len == 0)
        return 1;
    PyObject *w = s->weak[k];
    if (w == NULL)
        return 0;
    Py_ssize_t wl = PyUnicode_GET_LENGTH(w);
    int kind = PyUnicode_KIND(w);
    const void *data = PyUnicode_DATA(w);
    for (Py_ssize_t i = 0; i + len <= wl; i++) {
        int j = 0;
        while (j < len && PyUnicode_READ(kind, data, i + j) == s->rad[pos][j])
            j++;
        if (j == len)
            return 1;
    }
    return 0;
}

/* A complete reading (the radicals at ``picked``): kept when its key beats the best. */
static int consider(Search *s, const Py_ssize_t *picked, int same)
{
    Py_ssize_t n = s->n;
    for (Py_ssize_t i = 0; i < n; i++)
        s->cur[i] = s->lit[i];
    for (Py_ssize_t k = 0; k < s->m; k++)
        s->cur[picked[k]] = (Py_UCS4)('1' + k);
    if (s->found && same < s->best_same)
        return 0; /* (fewer radicals as in the root: loses whatever its pattern) */
    PyObject *pattern = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, s->cur, n);
    if (pattern == NULL)
        return -1;
    int known;
    if (s->fem[0]) {
        PyObject *full = PyUnicode_FromFormat("%U%s", pattern, s->fem);
        if (full == NULL) {
            Py_DECREF(pattern);
            return -1;
        }
        known = PyDict_Contains(s->nouns, full);
        Py_DECREF(full);
    } else {
        known = PyDict_Contains(s->nouns, pattern);
    }
    if (known == 0)
        known = PySet_Contains(s->verbs, pattern);
    Py_DECREF(pattern);
    if (known < 0)
        return -1;
    int better = !s->found || same > s->best_same;
    if (!better && same == s->best_same) {
        if (known != s->best_known)
            better = known > s->best_known;
        else {
            Py_ssize_t i = 0;
            while (i < n && s->cur[i] == s->best[i])
                i++;
            better = i < n && s->cur[i] < s->best[i];
        }
    }
    if (better) {
        s->found = 1;
        s->best_same = same;
        s->best_known = known;
        memcpy(s->best, s->cur, n * sizeof(Py_UCS4));
    }
    return 0;
}

/* roots._readings' search: radical ``k`` of the root at a place from ``start`` on. */
static int walk(Search *s, Py_ssize_t k, Py_ssize_t start, Py_ssize_t *picked, int same)
{
    if (k >= s->m || k >= MAX_ROOT) /* (m <= MAX_ROOT: the second for the compiler) */
        return consider(s, picked, same);
    for (Py_ssize_t pos = start; pos < s->n - (s->m - k) + 1; pos++) {
        int as_root = s->rad_len[pos] == 1 && s->rad[pos][0] == s->root[k];
        if (as_root || weak_spelling(s, pos, k)) {
            picked[k] = pos;
            if (walk(s, k + 1, pos + 1, picked, same + as_root) < 0)
                return -1;
        }
    }
    return 0;
}

/* The letters of ``body`` (its first ``n`` letters) read into the search. */
static int read_stem(Search *s, PyObject *body, Py_ssize_t n, PyObject *radicals,
                     PyObject *literals)
{
    int kind = PyUnicode_KIND(body);
    const void *data = PyUnicode_DATA(body);
    s->n = n;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        s->rad[i][0] = ch;
        s->rad_len[i] = 1;
        s->lit[i] = ch;
        if (ch < 0x80)
            continue; /* (the tables hold Arabic letters only) */
        PyObject *key = PyUnicode_FromOrdinal(ch);
        if (key == NULL)
            return -1;
        PyObject *r = PyDict_GetItemWithError(radicals, key);
        PyObject *l = r == NULL && PyErr_Occurred() ? NULL
                                                    : PyDict_GetItemWithError(literals, key);
        Py_DECREF(key);
        if (PyErr_Occurred())
            return -1;
        if (r != NULL) {
            if (!PyUnicode_Check(r) || PyUnicode_GET_LENGTH(r) > 2) {
                PyErr_SetString(PyExc_ValueError, "a radical is a string of 0-2 letters");
                return -1;
            }
            s->rad_len[i] = (int)PyUnicode_GET_LENGTH(r);
            for (int j = 0; j < s->rad_len[i]; j++)
                s->rad[i][j] = PyUnicode_READ_CHAR(r, j);
        }
        if (l != NULL) {
            if (!PyUnicode_Check(l) || PyUnicode_GET_LENGTH(l) != 1) {
                PyErr_SetString(PyExc_ValueError, "a literal is one letter");
                return -1;
            }
            s->lit[i] = PyUnicode_READ_CHAR(l, 0);
        }
    }
    return 0;
}

static PyObject *stem_pattern(PyObject *self, PyObject *args)
{
    PyObject *stem, *root, *radicals, *literals, *weak, *nouns, *verbs;
    Py_ssize_t max_stem;
    (void)self;
    if (!PyArg_ParseTuple(args, "UUO!O!O!O!O!n", &stem, &root, &PyDict_Type, &radicals,
                          &PyDict_Type, &literals, &PyDict_Type, &weak, &PyDict_Type,
                          &nouns, &PyFrozenSet_Type, &verbs, &max_stem))
        return NULL;
    Py_ssize_t m = PyUnicode_GET_LENGTH(root), n = PyUnicode_GET_LENGTH(stem);
    if (m < 2 || m > MAX_ROOT)
        Py_RETURN_NONE;
    Search s;
    s.m = m;
    s.nouns = nouns;
    s.verbs = verbs;
    for (Py_ssize_t k = 0; k < m; k++) {
        s.root[k] = PyUnicode_READ_CHAR(root, k);
        PyObject *key = PyUnicode_Substring(root, k, k + 1);
        if (key == NULL)
            return NULL;
        s.weak[k] = PyDict_GetItemWithError(weak, key);
        Py_DECREF(key);
        if (s.weak[k] == NULL && PyErr_Occurred())
            return NULL;
        if (s.weak[k] != NULL && !PyUnicode_Check(s.weak[k])) {
            PyErr_SetString(PyExc_TypeError, "weak spellings are strings");
            return NULL;
        }
    }
    /* (stem[:-1], "+ة") first when the stem ends with ه or ة, then the stem itself */
    Py_UCS4 last = n ? PyUnicode_READ_CHAR(stem, n - 1) : 0;
    int feminine = n > 2 && (last == 0x0647 || last == 0x0629);
    for (int t = feminine ? 0 : 1; t < 2; t++) {
        Py_ssize_t len = t == 0 ? n - 1 : n;
        if (len > max_stem || len > MAX_STEM)
            continue; /* (_readings: no reading of a longer stem) */
        s.fem = t == 0 ? "+\xd8\xa9" : "";
        s.found = 0;
        if (read_stem(&s, stem, len, radicals, literals) < 0)
            return NULL;
        Py_ssize_t picked[MAX_ROOT];
        if (walk(&s, 0, 0, picked, 0) < 0)
            return NULL;
        if (s.found) {
            PyObject *pattern = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, s.best, len);
            if (pattern == NULL || !s.fem[0])
                return pattern;
            PyObject *out = PyUnicode_FromFormat("%U%s", pattern, s.fem);
            Py_DECREF(pattern);
            return out;
        }
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"stem_pattern", stem_pattern, METH_VARARGS,
     "stem_pattern(stem, root, radicals, literals, weak, nouns, verbs, max_stem): "
     "archive.site.roots._stem_pattern in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_croots", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__croots(void)
{
    return native_module(&module);
}
