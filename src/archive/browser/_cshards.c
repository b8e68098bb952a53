/* archive.browser._cshards: the cold half of the browser writer's shards in C.
 *
 * Each function has a pure-Python twin in archive/browser/index.py, which stays the
 * reference (tests/test_native_shards.py compares the two byte for byte, and the writer uses
 * the twin when this module is not built):
 *
 *   gather(batches, renumber, partial, shards, passes, step, part_of, incoming)
 *       twin: index._gather (the spill's records into each shard's postings and forms)
 *   gather_spill(chunks, renumber, partial, shards, passes, step, part_of, incoming)
 *       twin: index._gather over marshal.loads of each chunk (_Spill.batch_bytes)
 *   fresh_postings(new, entries, long_docs, slots, block_docs, fragments, rest)
 *       twin: index._fresh_postings (its loop over index._fresh_posting)
 *   fresh_forms(new, level, terms, entries, rest)
 *       twin: index._fresh_forms (its loop over index._fresh_form)
 *   fresh_round(chunks, renumber, shards, passes, step, part_of, long_docs, slots,
 *               block_docs, posting_rest, form_rest)
 *       twin: index._fresh_round without the module (index._gather, then
 *       index._fresh_postings and index._fresh_forms of each shard): one cold round in one
 *       pass, the postings kept packed between the two halves
 *   lehmer_code(ranks)
 *       twin: index.rank_code before its base64 (the bytes of a permutation's Lehmer code)
 *
 * The per-posting loops of a cold build ran in the interpreter: one bytecode dispatch per
 * dict lookup and string piece, over every posting of the archive. Here they run over the
 * same objects without a Python object made per posting beyond those the shard state keeps.
 * A term whose shape the C code does not take (a long term, a value of an unexpected type,
 * a number beyond 64 bits, a forms entry that needs the older explicit form) is handed to
 * ``rest``, the twin's own per-term function, so that every odd case (and its error) is the
 * Python code's. Nothing here depends on addresses or hash seeds: every order is a sort of
 * numbers or strings, or a dict's insertion order.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "native.h"
#include <marshal.h>
#include <stdint.h>
#include <string.h>

/* archive.browser.index.FIELDS, in order; tests check these against the Python constants. */
#define NFIELDS 8
static const char *const FIELD_NAMES[NFIELDS] = {
    "form", "stem", "root", "entity", "title_form", "title_stem", "title_root", "title_entity",
};
/* index._REF: the field whose positions a field's cell may repeat as "=" (-1: none). */
static const int REF[NFIELDS] = {-1, 0, 1, -1, -1, 4, 5, -1};
/* index._NAME_RANK: a field's place in the order of the names (JSON's sorted keys). */
static const int NAME_RANK[NFIELDS] = {1, 3, 2, 0, 5, 7, 6, 4};
/* index._LEVEL_FIELDS: the body and title fields of each forms level. */
static const int LEVEL_FIELDS[2][2] = {{1, 5}, {2, 6}};

/* archive.browser.digits: the alphabet of the number texts (printable ASCII without
 * '"', '\\', ',', ';', '='), BASE last digits then the lead digits. */
static char ALPHABET[96];
static int LEADS;
#define BASE 64

/* ------------------------------------------------------------------ a growing text */

/* The text being made, as code points: terms are any str (Arabic mostly, non-BMP at
 * times), the rest ASCII; PyUnicode_FromKindAndData picks the narrowest kind at the end. */
typedef struct {
    Py_UCS4 *p;
    Py_ssize_t n, cap;
} Text;

static int text_room(Text *t, Py_ssize_t more) {
    if (t->n + more <= t->cap)
        return 0;
    Py_UCS4 *p = native_grown(t->p, &t->cap, t->n + more, sizeof(Py_UCS4), 256);
    if (p == NULL)
        return -1;
    t->p = p;
    return 0;
}

static int text_ascii(Text *t, const char *s) {
    Py_ssize_t n = (Py_ssize_t)strlen(s);
    if (text_room(t, n) < 0)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        t->p[t->n++] = (unsigned char)s[i];
    return 0;
}

static int text_char(Text *t, Py_UCS4 c) {
    if (text_room(t, 1) < 0)
        return -1;
    t->p[t->n++] = c;
    return 0;
}

/* A str as JSON text, quoted: json.encoder.encode_basestring's (not ASCII-escaped; a quote,
 * a backslash and the control characters escaped, lone surrogates kept as they are). */
static int text_json(Text *t, PyObject *s) {
    static const char hex[] = "0123456789abcdef";
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    /* room for the worst case (every character a \u00XX escape): terms are short */
    if (n > (PY_SSIZE_T_MAX - 2) / 6 || text_room(t, 6 * n + 2) < 0) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        return -1;
    }
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    t->p[t->n++] = '"';
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x20 && c != '"' && c != '\\') {
            t->p[t->n++] = c;
            continue;
        }
        t->p[t->n++] = '\\';
        switch (c) {
        case '"': t->p[t->n++] = '"'; break;
        case '\\': t->p[t->n++] = '\\'; break;
        case '\b': t->p[t->n++] = 'b'; break;
        case '\f': t->p[t->n++] = 'f'; break;
        case '\n': t->p[t->n++] = 'n'; break;
        case '\r': t->p[t->n++] = 'r'; break;
        case '\t': t->p[t->n++] = 't'; break;
        default:
            t->p[t->n++] = 'u';
            t->p[t->n++] = '0';
            t->p[t->n++] = '0';
            t->p[t->n++] = (Py_UCS4)hex[(c >> 4) & 0xf];
            t->p[t->n++] = (Py_UCS4)hex[c & 0xf];
        }
    }
    t->p[t->n++] = '"';
    return 0;
}

/* digits.number_text of a number ≥ 0: the last digit (number % BASE), after it the rest in
 * bijective base LEADS, most significant first. */
static int text_number(Text *t, int64_t number) {
    char lead[16];
    int k = 0;
    uint64_t high = (uint64_t)number / BASE;
    while (high) {
        uint64_t digit = (high - 1) % (uint64_t)LEADS;
        lead[k++] = ALPHABET[BASE + digit];
        high = (high - digit - 1) / (uint64_t)LEADS;
    }
    if (text_room(t, k + 1) < 0)
        return -1;
    while (k)
        t->p[t->n++] = (unsigned char)lead[--k];
    t->p[t->n++] = (unsigned char)ALPHABET[(uint64_t)number % BASE];
    return 0;
}

/* digits.numbers_text of the gaps of ascending numbers (the first, then the differences). */
static int text_gaps(Text *t, const int64_t *numbers, Py_ssize_t n) {
    int64_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (text_number(t, numbers[i] - at) < 0)
            return -1;
        at = numbers[i];
    }
    return 0;
}

static PyObject *text_done(Text *t) {
    PyObject *s = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, t->p, t->n);
    t->n = 0;
    return s;
}

/* ------------------------------------------------------------------ helpers */

/* A document number as a C integer: 1 done, 0 not one the C code takes (not an int, below 0,
 * beyond 62 bits: the term goes to the Python twin), -1 an error. */
static int as_docnum(PyObject *o, int64_t *out) {
    if (!PyLong_Check(o))
        return 0;
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (overflow || v < 0 || v > ((long long)1 << 62))
        return 0;
    *out = (int64_t)v;
    return 1;
}

/* A field number 0…7 (-1: not one). */
static int as_field(PyObject *o) {
    if (!PyLong_Check(o))
        return -1;
    int overflow = 0;
    long v = PyLong_AsLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    return (overflow || v < 0 || v >= NFIELDS) ? -1 : (int)v;
}

/* A posting of a field: its article, its cell's characters where they are (a str's data,
 * borrowed from its dict; or fresh_round's ASCII bytes in its arena, no str made). */
typedef struct {
    int64_t d;
    const void *data;
    Py_ssize_t n;
    int kind; /* PyUnicode_KIND's: 1, 2 or 4 bytes a character */
} Pair;

/* Sorts of the postings' document numbers, inlined: the C library's qsort calls its
 * comparison through a pointer for every pair compared (about 40 % of fresh_postings' and
 * fresh_forms' instructions went to it). An introsort: quicksort (median of three, the
 * smaller side first) down to short runs sorted by insertion, heapsort past 2 log n levels.
 * Not stable: every caller's items are ordered by all they hold (equal items are the same
 * bytes), so any correct sort gives the order qsort gave. */
#define DEFINE_SORT(NAME, T, LESS)                                                          \
    static void NAME##_sift(T *a, Py_ssize_t root, Py_ssize_t n) {                          \
        T x = a[root];                                                                      \
        for (Py_ssize_t child; (child = 2 * root + 1) < n; root = child) {                  \
            if (child + 1 < n && LESS(a[child], a[child + 1]))                              \
                child++;                                                                    \
            if (!LESS(x, a[child]))                                                         \
                break;                                                                      \
            a[root] = a[child];                                                             \
        }                                                                                   \
        a[root] = x;                                                                        \
    }                                                                                       \
    static void NAME##_run(T *a, Py_ssize_t n, int depth) {                                 \
        while (n > 16) {                                                                    \
            if (depth-- == 0) { /* heapsort what is left */                                 \
                for (Py_ssize_t i = n / 2; i-- > 0;)                                        \
                    NAME##_sift(a, i, n);                                                   \
                for (Py_ssize_t i = n - 1; i > 0; i--) {                                    \
                    T x = a[0];                                                             \
                    a[0] = a[i];                                                            \
                    a[i] = x;                                                               \
                    NAME##_sift(a, 0, i);                                                   \
                }                                                                           \
                return;                                                                     \
            }                                                                               \
            Py_ssize_t mid = n / 2;                                                         \
            T x;                                                                            \
            /* a[0] ≤ a[mid] ≤ a[n - 1]: the median as pivot, the ends as sentinels */     \
            if (LESS(a[mid], a[0])) { x = a[mid]; a[mid] = a[0]; a[0] = x; }                \
            if (LESS(a[n - 1], a[mid])) {                                                   \
                x = a[mid]; a[mid] = a[n - 1]; a[n - 1] = x;                                \
                if (LESS(a[mid], a[0])) { x = a[mid]; a[mid] = a[0]; a[0] = x; }            \
            }                                                                               \
            T pivot = a[mid];                                                               \
            Py_ssize_t i = 0, j = n - 1;                                                    \
            for (;;) {                                                                      \
                do i++; while (LESS(a[i], pivot));                                          \
                do j--; while (LESS(pivot, a[j]));                                          \
                if (i >= j)                                                                 \
                    break;                                                                  \
                x = a[i]; a[i] = a[j]; a[j] = x;                                            \
            }                                                                               \
            /* a[0, j] ≤ pivot ≤ a[j + 1, n): the smaller side here, the other in turn */   \
            if (j + 1 < n - j - 1) {                                                        \
                NAME##_run(a, j + 1, depth);                                                \
                a += j + 1;                                                                 \
                n -= j + 1;                                                                 \
            } else {                                                                        \
                NAME##_run(a + j + 1, n - j - 1, depth);                                    \
                n = j + 1;                                                                  \
            }                                                                               \
        }                                                                                   \
        for (Py_ssize_t i = 1; i < n; i++) {                                                \
            T x = a[i];                                                                     \
            Py_ssize_t j = i;                                                               \
            for (; j > 0 && LESS(x, a[j - 1]); j--)                                         \
                a[j] = a[j - 1];                                                            \
            a[j] = x;                                                                       \
        }                                                                                   \
    }                                                                                       \
    static void NAME(T *a, Py_ssize_t n) {                                                  \
        int depth = 0;                                                                      \
        for (Py_ssize_t m = n; m > 1; m >>= 1)                                              \
            depth += 2;                                                                     \
        NAME##_run(a, n, depth);                                                            \
    }

#define INT_LESS(x, y) ((x) < (y))
#define PAIR_LESS(x, y) ((x).d < (y).d)
DEFINE_SORT(sort_ints, int64_t, INT_LESS)
DEFINE_SORT(sort_pairs, Pair, PAIR_LESS)

/* a[0, n) sorted, each number once: how many are left. */
static Py_ssize_t sorted_unique(int64_t *a, Py_ssize_t n) {
    sort_ints(a, n);
    Py_ssize_t u = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (u == 0 || a[u - 1] != a[i])
            a[u++] = a[i];
    return u;
}

/* A field's postings (docnum → cell text) as pairs sorted by docnum: 1 done, 0 not taken
 * (a key not a docnum, a cell not a str), -1 an error. *pairs is PyMem-allocated. */
static int sorted_pairs(PyObject *held, Pair **pairs, Py_ssize_t *n) {
    Py_ssize_t size = PyDict_GET_SIZE(held), pos = 0, i = 0;
    PyObject *key, *value;
    *pairs = PyMem_Malloc((size_t)(size ? size : 1) * sizeof(Pair));
    if (*pairs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    while (PyDict_Next(held, &pos, &key, &value)) {
        int64_t d;
        int ok = as_docnum(key, &d);
        if (ok <= 0 || !PyUnicode_CheckExact(value) || i >= size) {
            PyMem_Free(*pairs);
            *pairs = NULL;
            return ok < 0 ? -1 : 0;
        }
        (*pairs)[i] = (Pair){d, PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value),
                             (int)PyUnicode_KIND(value)};
        i++;
    }
    *n = i;
    sort_pairs(*pairs, i);
    return 1;
}

/* Two cells' equality (a str is in its narrowest kind: equal ones have the same kind). */
static int same_cell(const Pair *a, const Pair *b) {
    return a->n == b->n && a->kind == b->kind
           && (a->data == b->data || memcmp(a->data, b->data, (size_t)a->n * a->kind) == 0);
}

/* A cell's characters as they are. */
static int text_cell(Text *t, const Pair *cell) {
    if (text_room(t, cell->n) < 0)
        return -1;
    for (Py_ssize_t i = 0; i < cell->n; i++)
        t->p[t->n++] = PyUnicode_READ(cell->kind, cell->data, i);
    return 0;
}

/* A str's equality with another (both exact str). */
static int same_str(PyObject *a, PyObject *b) {
    if (a == b)
        return 1;
    return PyUnicode_Compare(a, b) == 0;
}

/* ------------------------------------------------------------------ gather */

/* index._gather: each record (seq, [(hash, [(term, [field, cell, …]), …], forms), …]) of
 * the batches into incoming[k] = (term → field → docnum → cell, [stem, root forms]) for the
 * shards k of this round, in the same order of insertion as the twin (the state's dicts keep
 * it, and the rebuilds read it back). */

static PyObject *new_part(void) {
    PyObject *terms = PyDict_New(), *a = PyDict_New(), *b = PyDict_New();
    PyObject *levels = NULL, *part = NULL;
    if (terms && a && b)
        levels = PyList_New(2);
    if (levels) {
        PyList_SET_ITEM(levels, 0, a);
        PyList_SET_ITEM(levels, 1, b);
        a = b = NULL;
        part = PyTuple_Pack(2, terms, levels);
    }
    Py_XDECREF(terms);
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(levels);
    return part;
}

/* dict[key] = {num: value} */
static int set_one(PyObject *dict, PyObject *key, PyObject *num, PyObject *value) {
    PyObject *inner = PyDict_New();
    if (inner == NULL)
        return -1;
    int r = PyDict_SetItem(inner, num, value);
    if (r == 0)
        r = PyDict_SetItem(dict, key, inner);
    Py_DECREF(inner);
    return r;
}

/* obj as a fast sequence of size items (-1: any number), else NULL and an error. */
static PyObject *items_of(PyObject *obj, Py_ssize_t size, const char *what) {
    PyObject *fast = PySequence_Fast(obj, what);
    if (fast != NULL && size >= 0 && PySequence_Fast_GET_SIZE(fast) != size) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, what);
        return NULL;
    }
    return fast;
}

static int gather_posts(PyObject *terms, PyObject *posts, PyObject *num) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(posts);
    PyObject **items = PySequence_Fast_ITEMS(posts);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *post = items_of(items[i], 2, "spill: a posting is not (term, fields)");
        if (post == NULL)
            return -1;
        PyObject *term = PySequence_Fast_GET_ITEM(post, 0);
        PyObject *flat = PySequence_Fast(PySequence_Fast_GET_ITEM(post, 1),
                                         "spill: a posting's fields are not a sequence");
        if (flat == NULL) {
            Py_DECREF(post);
            return -1;
        }
        Py_ssize_t m = PySequence_Fast_GET_SIZE(flat);
        PyObject **cells = PySequence_Fast_ITEMS(flat);
        int r = 0;
        if (m % 2) {
            PyErr_SetString(PyExc_IndexError, "spill: a posting's fields are not pairs");
            r = -1;
        }
        PyObject *docs = r ? NULL : PyDict_GetItemWithError(terms, term);
        if (r == 0 && docs == NULL && PyErr_Occurred())
            r = -1;
        if (r == 0 && docs == NULL) {
            /* a new term: its fields in order (a field twice: the last one's cell) */
            PyObject *fresh = PyDict_New();
            if (fresh == NULL)
                r = -1;
            for (Py_ssize_t j = 0; r == 0 && j < m; j += 2)
                r = set_one(fresh, cells[j], num, cells[j + 1]);
            if (r == 0)
                r = PyDict_SetItem(terms, term, fresh);
            Py_XDECREF(fresh);
        } else if (r == 0) {
            Py_INCREF(docs);
            if (!PyDict_Check(docs)) {
                PyErr_SetString(PyExc_TypeError, "gather: a term's postings are not a dict");
                r = -1;
            }
            for (Py_ssize_t j = 0; r == 0 && j < m; j += 2) {
                PyObject *at = PyDict_GetItemWithError(docs, cells[j]);
                if (at == NULL) {
                    r = PyErr_Occurred() ? -1 : set_one(docs, cells[j], num, cells[j + 1]);
                } else if (PyDict_Check(at)) {
                    r = PyDict_SetItem(at, num, cells[j + 1]);
                } else {
                    r = PyObject_SetItem(at, num, cells[j + 1]);
                }
            }
            Py_DECREF(docs);
        }
        Py_DECREF(flat);
        Py_DECREF(post);
        if (r)
            return -1;
    }
    return 0;
}

/* table[term][norm][spelling] gets num (the twin's inner loop over a group's forms): the
 * list appended to, or the dicts down to a new [num] made where a key is new. */
static int add_form(PyObject *table, PyObject *term, PyObject *norm, PyObject *spelling,
                    PyObject *num) {
    PyObject *keys[3] = {term, norm, spelling};
    PyObject *at = table;
    for (int depth = 0; depth < 3; depth++) {
        if (!PyDict_Check(at)) {
            PyErr_SetString(PyExc_TypeError, "spill: gathered forms not dicts");
            return -1;
        }
        PyObject *next = PyDict_GetItemWithError(at, keys[depth]);
        if (next == NULL) {
            if (PyErr_Occurred())
                return -1;
            PyObject *value = PyList_New(1);
            if (value == NULL)
                return -1;
            Py_INCREF(num);
            PyList_SET_ITEM(value, 0, num);
            for (int k = 2; k > depth; k--) { /* {keys[k]: value} */
                PyObject *wrap = PyDict_New();
                if (wrap != NULL && PyDict_SetItem(wrap, keys[k], value) < 0)
                    Py_CLEAR(wrap);
                Py_DECREF(value);
                if (wrap == NULL)
                    return -1;
                value = wrap;
            }
            int r = PyDict_SetItem(at, keys[depth], value);
            Py_DECREF(value);
            return r;
        }
        at = next;
    }
    if (PyList_Check(at))
        return PyList_Append(at, num);
    PyObject *got = PyObject_CallMethod(at, "append", "O", num);
    Py_XDECREF(got);
    return got == NULL ? -1 : 0;
}

static int gather_forms(PyObject *levels, PyObject *forms, PyObject *posts, PyObject *num) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(forms);
    PyObject **items = PySequence_Fast_ITEMS(forms);
    PyObject *one = Py_None; /* the group's one posting term (the 3-item forms' term) */
    if (PySequence_Fast_GET_SIZE(posts) == 1) {
        one = PySequence_GetItem(PySequence_Fast_GET_ITEM(posts, 0), 0);
        if (one == NULL)
            return -1;
    } else {
        Py_INCREF(one);
    }
    int r = 0;
    for (Py_ssize_t i = 0; r == 0 && i < n; i++) {
        PyObject *item = PySequence_Fast(items[i], "spill: a form is not a sequence");
        if (item == NULL) {
            r = -1;
            break;
        }
        Py_ssize_t size = PySequence_Fast_GET_SIZE(item);
        PyObject **f = PySequence_Fast_ITEMS(item);
        PyObject *level, *term, *norm, *spelling;
        if (size == 3) {
            level = f[0], term = one, norm = f[1], spelling = f[2];
        } else if (size == 4) {
            level = f[0], term = f[1], norm = f[2], spelling = f[3];
        } else {
            Py_DECREF(item);
            PyErr_SetString(PyExc_ValueError, "spill: a form is not 3 or 4 items");
            r = -1;
            break;
        }
        if (spelling == Py_None) /* the normalized form's */
            spelling = norm;
        PyObject *table = PyObject_GetItem(levels, level);
        r = table == NULL ? -1 : add_form(table, term, norm, spelling, num);
        Py_XDECREF(table);
        Py_DECREF(item);
    }
    Py_DECREF(one);
    return r;
}

/* One group (hash, posts, forms) of the article numbered num. */
static int gather_group(PyObject *group, PyObject *num, PyObject *keep, PyObject *incoming,
                        long long shards, long long passes, long long step, long long part_of) {
    PyObject *g = items_of(group, 3, "spill: a group is not (hash, postings, forms)");
    if (g == NULL)
        return -1;
    PyObject *h = PySequence_Fast_GET_ITEM(g, 0);
    int r = 0;
    PyObject *key = NULL, *posts = NULL, *forms = NULL;
    if (keep != NULL && keep != Py_None) {
        int has = PySequence_Contains(keep, h);
        if (has <= 0) {
            Py_DECREF(g);
            return has;
        }
    }
    /* k = h % shards (Python's: not below 0), as the twin: the number of any size */
    PyObject *mod = PyLong_FromLongLong(shards);
    key = mod ? PyNumber_Remainder(h, mod) : NULL;
    Py_XDECREF(mod);
    if (key == NULL) {
        Py_DECREF(g);
        return -1;
    }
    if (passes > 1) {
        long long k = PyLong_AsLongLong(key);
        if (k == -1 && PyErr_Occurred()) {
            r = -1;
            goto done;
        }
        if ((k / step) % passes != part_of)
            goto done;
    }
    PyObject *part = PyDict_GetItemWithError(incoming, key);
    if (part == NULL) {
        if (PyErr_Occurred()) {
            r = -1;
            goto done;
        }
        part = new_part();
        if (part == NULL || PyDict_SetItem(incoming, key, part) < 0) {
            Py_XDECREF(part);
            r = -1;
            goto done;
        }
        Py_DECREF(part); /* incoming holds it */
    }
    if (!PyTuple_Check(part) || PyTuple_GET_SIZE(part) != 2
        || !PyDict_Check(PyTuple_GET_ITEM(part, 0))) {
        PyErr_SetString(PyExc_TypeError, "gather: incoming holds a part not (terms, forms)");
        r = -1;
        goto done;
    }
    Py_INCREF(part);
    posts = PySequence_Fast(PySequence_Fast_GET_ITEM(g, 1), "spill: postings not a sequence");
    if (posts == NULL || gather_posts(PyTuple_GET_ITEM(part, 0), posts, num) < 0) {
        r = -1;
    } else {
        int any = PyObject_IsTrue(PySequence_Fast_GET_ITEM(g, 2));
        if (any < 0) {
            r = -1;
        } else if (any) {
            forms = PySequence_Fast(PySequence_Fast_GET_ITEM(g, 2), "spill: forms not a sequence");
            if (forms == NULL || gather_forms(PyTuple_GET_ITEM(part, 1), forms, posts, num) < 0)
                r = -1;
        }
    }
    Py_DECREF(part);
done:
    Py_XDECREF(forms);
    Py_XDECREF(posts);
    Py_DECREF(key);
    Py_DECREF(g);
    return r;
}

struct Strings;
struct Packed;

/* What a round of the twin's loop reads its records for; strings: the str made so far from
 * the spill's bytes (gather_spill; NULL: none kept); packed: where fresh_round keeps the
 * postings instead of incoming's dicts (NULL: in the dicts). */
typedef struct {
    PyObject *renumber, *partial, *incoming;
    long long shards, passes, step, part_of;
    struct Strings *strings;
    struct Packed *packed;
} Round;

static int parse_round(PyObject *args, const char *format, PyObject **batches, Round *c) {
    if (!PyArg_ParseTuple(args, format, batches, &c->renumber, &PyDict_Type, &c->partial,
                          &c->shards, &c->passes, &c->step, &c->part_of, &PyDict_Type,
                          &c->incoming))
        return -1;
    if (c->shards <= 0 || c->step <= 0 || c->passes < 0) {
        PyErr_SetString(PyExc_ValueError, "gather: shards and step must be positive");
        return -1;
    }
    return 0;
}

/* One batch (a list of records) of unmarshalled objects. */
static int gather_batch(PyObject *batch, Round *c) {
    PyObject *records = PySequence_Fast(batch, "spill: a batch is not a sequence");
    if (records == NULL)
        return -1;
    int r = 0;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(records);
    for (Py_ssize_t i = 0; r == 0 && i < n; i++) {
        PyObject *record = items_of(PySequence_Fast_GET_ITEM(records, i), 2,
                                    "spill: a record is not (seq, groups)");
        if (record == NULL) {
            r = -1;
            break;
        }
        PyObject *num = PyObject_GetItem(c->renumber, PySequence_Fast_GET_ITEM(record, 0));
        PyObject *keep = NULL, *groups = NULL;
        if (num == NULL) {
            r = -1;
        } else {
            keep = PyDict_GetItemWithError(c->partial, num); /* None: every posting */
            if (keep == NULL && PyErr_Occurred())
                r = -1;
            Py_XINCREF(keep);
        }
        if (r == 0)
            groups = PySequence_Fast(PySequence_Fast_GET_ITEM(record, 1),
                                     "spill: groups not a sequence");
        if (r == 0 && groups == NULL)
            r = -1;
        if (r == 0) {
            Py_ssize_t m = PySequence_Fast_GET_SIZE(groups);
            for (Py_ssize_t j = 0; r == 0 && j < m; j++)
                r = gather_group(PySequence_Fast_GET_ITEM(groups, j), num, keep, c->incoming,
                                 c->shards, c->passes, c->step, c->part_of);
        }
        Py_XDECREF(groups);
        Py_XDECREF(keep);
        Py_XDECREF(num);
        Py_DECREF(record);
    }
    Py_DECREF(records);
    return r;
}

/* Each item of the iterable (the call's first argument) through one(item, round);
 * strings: kept for the call (gather_spill) or NULL. */
static PyObject *over_batches(PyObject *args, const char *format,
                              int (*one)(PyObject *, Round *), struct Strings *strings) {
    PyObject *items;
    Round c;
    c.strings = strings;
    c.packed = NULL;
    if (parse_round(args, format, &items, &c) < 0)
        return NULL;
    PyObject *it = PyObject_GetIter(items);
    if (it == NULL)
        return NULL;
    PyObject *item;
    int r = 0;
    while (r == 0 && (item = PyIter_Next(it)) != NULL) {
        r = one(item, &c);
        Py_DECREF(item);
    }
    Py_DECREF(it);
    if (r < 0 || PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *gather(PyObject *self, PyObject *args) {
    (void)self;
    return over_batches(args, "OOO!LLLLO!:gather", gather_batch, NULL);
}

/* ------------------------------------------------------------------ the spill's bytes */

/* gather_spill reads each batch from its marshal bytes (version 2: no references, every str
 * as 'u' and its UTF-8, ints as 'i' or 'l') instead of from marshal.loads' objects: the
 * records', groups' and postings' tuples and lists (most of the objects a batch holds, made
 * and freed again at once) are never made; only what the gathered dicts keep is (terms,
 * cells, forms' strings, dicts and lists). A batch is first checked whole (walk without
 * building): one of another shape is given to marshal.loads and gather_batch, so that what
 * the twin does with it (or the error it raises) is done here too. */

typedef struct {
    const unsigned char *p, *end;
} Reader;

static int rd_i32(Reader *r, int32_t *out) {
    if (r->end - r->p < 4)
        return 0;
    const unsigned char *p = r->p;
    *out = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
                     | (uint32_t)p[3] << 24);
    r->p += 4;
    return 1;
}

/* a list or tuple's head: its type byte and length */
static int rd_seq(Reader *r, unsigned char type, Py_ssize_t *n) {
    int32_t v;
    if (r->p >= r->end || *r->p != type)
        return 0;
    r->p++;
    if (!rd_i32(r, &v) || v < 0)
        return 0;
    *n = v;
    return 1;
}

/* an int of up to 60 bits ('i', or 'l' of up to four 15-bit digits) */
static int rd_int(Reader *r, int64_t *out) {
    if (r->p >= r->end)
        return 0;
    unsigned char type = *r->p++;
    int32_t v;
    if (!rd_i32(r, &v))
        return 0;
    if (type == 'i') {
        *out = v;
        return 1;
    }
    if (type != 'l' || v == 0 || v < -4 || v > 4)
        return 0;
    Py_ssize_t size = v < 0 ? -(Py_ssize_t)v : v;
    if (r->end - r->p < 2 * size)
        return 0;
    uint64_t value = 0;
    unsigned digit = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        digit = (unsigned)r->p[2 * i] | (unsigned)r->p[2 * i + 1] << 8;
        if (digit > 0x7fff)
            return 0;
        value |= (uint64_t)digit << (15 * i);
    }
    if (digit == 0) /* (marshal refuses an unnormalized number) */
        return 0;
    r->p += 2 * size;
    *out = v < 0 ? -(int64_t)value : (int64_t)value;
    return 1;
}

static int rd_str(Reader *r, const char **s, Py_ssize_t *n) {
    int32_t v;
    if (r->p >= r->end || *r->p != 'u')
        return 0;
    r->p++;
    if (!rd_i32(r, &v) || v < 0 || r->end - r->p < v)
        return 0;
    *s = (const char *)r->p;
    *n = v;
    r->p += v;
    return 1;
}

/* a str as marshal makes it (ASCII, as the cells' digit text is, copied without the
 * decoder's call) */
static PyObject *new_str(const char *s, Py_ssize_t n) {
    unsigned char high = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        high |= (unsigned char)s[i];
    if (high & 0x80)
        return PyUnicode_DecodeUTF8(s, n, "surrogatepass");
    PyObject *str = PyUnicode_New(n, 127);
    if (str != NULL && n)
        memcpy(PyUnicode_1BYTE_DATA(str), s, (size_t)n);
    return str;
}

/* The str made from the spill's bytes during one gather_spill call, by their UTF-8 bytes: a
 * term, a form and a short cell recur in record after record of a bucket (every article of
 * a term's posting spills it again), and each was decoded, hashed (as a dict key) and freed
 * again per record: 39 % of the walk's instructions went to the decoder alone. One str per
 * distinct text instead (its hash cached in it); the dicts keep equal values, so the shards'
 * texts and marshal bytes (version 2: no references) are the same. Open addressing over
 * FNV-1a hashes of the bytes, the bytes kept in one arena; freed with the call (the gathered
 * dicts hold the str they use). */
typedef struct {
    uint64_t hash;
    Py_ssize_t at, n; /* the bytes: arena[at, at + n) */
    PyObject *str;    /* NULL: an empty slot */
} StringSlot;

typedef struct Strings {
    StringSlot *slots;
    size_t mask, used;
    char *arena;
    Py_ssize_t arena_n, arena_cap;
} Strings;

/* A cell longer than this is not kept (its positions are unlikely to recur). */
#define SHORT_CELL 8

static void strings_free(Strings *t) {
    if (t->slots != NULL)
        for (size_t i = 0; i <= t->mask; i++)
            Py_XDECREF(t->slots[i].str);
    PyMem_Free(t->slots);
    PyMem_Free(t->arena);
    t->slots = NULL;
    t->arena = NULL;
}

/* An open-addressing table's slots: its size doubled (4096 at first: mask 0, no table),
 * zeroed (NULL and an exception on failure). */
static void *new_slots(size_t mask, size_t item, size_t *size) {
    *size = mask == 0 ? 4096 : 2 * (mask + 1);
    void *slots = *size > PY_SSIZE_T_MAX / item ? NULL : PyMem_Calloc(*size, item);
    if (slots == NULL)
        PyErr_NoMemory();
    return slots;
}

static int strings_grow(Strings *t) {
    size_t size;
    StringSlot *slots = new_slots(t->slots == NULL ? 0 : t->mask, sizeof(StringSlot), &size);
    if (slots == NULL)
        return -1;
    if (t->slots != NULL) {
        for (size_t i = 0; i <= t->mask; i++) {
            if (t->slots[i].str == NULL)
                continue;
            size_t j = (size_t)t->slots[i].hash & (size - 1);
            while (slots[j].str != NULL)
                j = (j + 1) & (size - 1);
            slots[j] = t->slots[i];
        }
        PyMem_Free(t->slots);
    }
    t->slots = slots;
    t->mask = size - 1;
    return 0;
}

/* The str of bytes s[0, n) (new reference): the one made before for the same bytes, or a
 * new one (new_str) kept for the next. */
static PyObject *kept_str(Strings *t, const char *s, Py_ssize_t n) {
    if (t == NULL)
        return new_str(s, n);
    if (t->slots == NULL && strings_grow(t) < 0)
        return NULL;
    uint64_t hash = 14695981039346656037ULL;
    for (Py_ssize_t i = 0; i < n; i++)
        hash = (hash ^ (unsigned char)s[i]) * 1099511628211ULL;
    size_t j = (size_t)hash & t->mask;
    for (; t->slots[j].str != NULL; j = (j + 1) & t->mask) {
        StringSlot *slot = &t->slots[j];
        if (slot->hash == hash && slot->n == n
            && (n == 0 || memcmp(t->arena + slot->at, s, (size_t)n) == 0))
            return Py_NewRef(slot->str);
    }
    PyObject *str = new_str(s, n);
    if (str == NULL)
        return NULL;
    if (t->arena_n + n > t->arena_cap) {
        Py_ssize_t cap = t->arena_cap ? t->arena_cap : 1 << 16;
        while (cap < t->arena_n + n) {
            if (cap > PY_SSIZE_T_MAX / 2) {
                Py_DECREF(str);
                PyErr_NoMemory();
                return NULL;
            }
            cap *= 2;
        }
        char *arena = PyMem_Realloc(t->arena, (size_t)cap);
        if (arena == NULL) {
            Py_DECREF(str);
            PyErr_NoMemory();
            return NULL;
        }
        t->arena = arena;
        t->arena_cap = cap;
    }
    if (n)
        memcpy(t->arena + t->arena_n, s, (size_t)n);
    t->slots[j] = (StringSlot){hash, t->arena_n, n, Py_NewRef(str)};
    t->arena_n += n;
    if (++t->used * 2 > t->mask + 1 && strings_grow(t) < 0) {
        Py_DECREF(str);
        return NULL;
    }
    return str;
}

/* ------------------------------------------------------------------ packed postings */

/* fresh_round keeps a round's postings here instead of in incoming's dicts (the twin's
 * term → field → docnum → cell): one row per posting in the spill's order, its cell's bytes
 * in one arena, each term numbered in the order it first comes (the dicts' insertion order).
 * No Python object is made per posting until a term's entry is written (its cells' str), and
 * none is kept: the dicts' entries, their hashing and freeing were most of what the walk and
 * fresh_postings spent per posting. A term is known by its str (kept_str hands back one per
 * text for the call) and its shard. */
typedef struct {
    uint32_t d;     /* the article's number */
    uint32_t at, n; /* the cell: arena[at, at + n) */
    int32_t term;   /* the term's number */
    int8_t f;       /* the field */
    int8_t ascii;   /* the cell is ASCII (written from its bytes; else a str is made) */
} Post;           /* (20 bytes a posting: a round holds hundreds of thousands) */

typedef struct {
    PyObject *term; /* borrowed: the Strings table holds it */
    long long k;    /* its shard */
    Py_ssize_t start, count; /* its rows in the grouped order (packed_group) */
} PackedTerm;

typedef struct {
    PyObject *term;
    long long k;
    int32_t index; /* -1: an empty slot */
} TermSlot;

typedef struct Packed {
    Post *posts;
    Py_ssize_t nposts, cap;
    PackedTerm *terms;
    Py_ssize_t nterms, tcap;
    TermSlot *slots;
    size_t mask;
    Buf arena;
    int64_t d;    /* the record's number */
    int32_t term; /* the posting's term */
    int odd;      /* a record or value the C code does not take: the round is the twins' */
} Packed;

static void packed_free(Packed *p) {
    PyMem_Free(p->posts);
    PyMem_Free(p->terms);
    PyMem_Free(p->slots);
    PyMem_Free(p->arena.p);
    memset(p, 0, sizeof(*p));
}

static void packed_odd(Packed *p) {
    p->odd = 1;
}

/* The record's article number (one the C code does not take: odd). */
static int packed_record(Packed *p, PyObject *num) {
    int ok = as_docnum(num, &p->d);
    if (ok < 0)
        return -1;
    if (ok == 0 || p->d > UINT32_MAX) /* (beyond a row's 32 bits: the round is the twins') */
        p->odd = 1;
    return 0;
}

/* A slot's place by the term's address (the address orders nothing: only finds the slot). */
static size_t term_slot(const TermSlot *slots, size_t mask, PyObject *term, long long k) {
    size_t j = (((size_t)(uintptr_t)term >> 4) ^ (size_t)k * 0x9E3779B97F4A7C15ULL) & mask;
    while (slots[j].term != NULL && (slots[j].term != term || slots[j].k != k))
        j = (j + 1) & mask;
    return j;
}

/* The posting's term (borrowed str, shard k): its number, a new one when first seen. */
static int packed_term(Packed *p, PyObject *term, long long k) {
    if (p->slots == NULL || (size_t)(p->nterms + 1) * 2 > p->mask + 1) {
        size_t size;
        TermSlot *slots = new_slots(p->slots == NULL ? 0 : p->mask, sizeof(TermSlot), &size);
        if (slots == NULL)
            return -1;
        for (Py_ssize_t i = 0; i < p->nterms; i++) {
            size_t j = term_slot(slots, size - 1, p->terms[i].term, p->terms[i].k);
            slots[j] = (TermSlot){p->terms[i].term, p->terms[i].k, (int32_t)i};
        }
        PyMem_Free(p->slots);
        p->slots = slots;
        p->mask = size - 1;
    }
    size_t j = term_slot(p->slots, p->mask, term, k);
    if (p->slots[j].term != NULL) {
        p->term = p->slots[j].index;
        return 0;
    }
    if (p->nterms >= INT32_MAX) {
        PyErr_NoMemory();
        return -1;
    }
    if (p->nterms >= p->tcap) {
        PackedTerm *terms = native_grown(p->terms, &p->tcap, p->nterms + 1,
                                         sizeof(PackedTerm), 1024);
        if (terms == NULL)
            return -1;
        p->terms = terms;
    }
    p->terms[p->nterms] = (PackedTerm){term, k, 0, 0};
    p->slots[j] = (TermSlot){term, k, (int32_t)p->nterms};
    p->term = (int32_t)p->nterms++;
    return 0;
}

/* A posting of the current term and record: field f, the cell's bytes s[0, n). */
static int packed_post(Packed *p, int64_t f, const char *s, Py_ssize_t n) {
    if (f < 0 || f >= NFIELDS || n > UINT32_MAX || p->arena.len > UINT32_MAX - n) {
        p->odd = 1; /* (a round of cells past 4 GB: the twins') */
        return 0;
    }
    if (p->nposts >= p->cap) {
        Post *posts = native_grown(p->posts, &p->cap, p->nposts + 1, sizeof(Post), 4096);
        if (posts == NULL)
            return -1;
        p->posts = posts;
    }
    unsigned char high = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        high |= (unsigned char)s[i];
    p->posts[p->nposts++] = (Post){(uint32_t)p->d, (uint32_t)p->arena.len, (uint32_t)n, p->term,
                                   (int8_t)f, !(high & 0x80)};
    p->terms[p->term].count++;
    return buf_put(&p->arena, s, n);
}

/* The walk over a batch's bytes: 1 read (and, with build, gathered), 0 not of the shape
 * read here (nothing gathered when not building), -1 an error. */
static int walk(Reader *r, Round *c, int build) {
    Py_ssize_t records;
    if (!rd_seq(r, '[', &records))
        return 0;
    for (Py_ssize_t i = 0; i < records; i++) {
        Py_ssize_t two, groups;
        int64_t seq;
        if (!rd_seq(r, '(', &two) || two != 2 || !rd_int(r, &seq) || !rd_seq(r, '[', &groups))
            return 0;
        PyObject *num = NULL, *keep = NULL;
        if (build) {
            PyObject *key = PyLong_FromLongLong(seq);
            num = key ? PyObject_GetItem(c->renumber, key) : NULL;
            Py_XDECREF(key);
            if (num == NULL)
                return -1;
            keep = PyDict_GetItemWithError(c->partial, num); /* None: every posting */
            if (keep == NULL && PyErr_Occurred()) {
                Py_DECREF(num);
                return -1;
            }
            Py_XINCREF(keep);
            if (c->packed != NULL && packed_record(c->packed, num) < 0) {
                Py_XDECREF(keep);
                Py_DECREF(num);
                return -1;
            }
        }
        int r2 = 1;
        for (Py_ssize_t j = 0; r2 == 1 && j < groups; j++) {
            Py_ssize_t three, posts, forms;
            int64_t h;
            if (!rd_seq(r, '(', &three) || three != 3 || !rd_int(r, &h)
                || !rd_seq(r, '[', &posts)) {
                r2 = 0;
                break;
            }
            /* this round's? (else read past it) */
            int take = build;
            PyObject *part = NULL, *terms = NULL, *levels = NULL, *one = NULL;
            if (take && keep != NULL && keep != Py_None) {
                PyObject *hash = PyLong_FromLongLong(h);
                int has = hash ? PySequence_Contains(keep, hash) : -1;
                Py_XDECREF(hash);
                if (has < 0) {
                    r2 = -1;
                    break;
                }
                take = has;
            }
            long long k = (long long)(h % c->shards);
            if (k < 0)
                k += c->shards;
            if (take && c->passes > 1 && (k / c->step) % c->passes != c->part_of)
                take = 0;
            if (take) {
                PyObject *key = PyLong_FromLongLong(k);
                if (key == NULL) {
                    r2 = -1;
                    break;
                }
                part = PyDict_GetItemWithError(c->incoming, key);
                if (part == NULL && !PyErr_Occurred()) {
                    part = new_part();
                    if (part != NULL && PyDict_SetItem(c->incoming, key, part) < 0)
                        Py_CLEAR(part);
                    Py_XDECREF(part); /* incoming holds it */
                }
                Py_DECREF(key);
                if (part == NULL) {
                    r2 = -1;
                    break;
                }
                if (!PyTuple_Check(part) || PyTuple_GET_SIZE(part) != 2
                    || !PyDict_Check(PyTuple_GET_ITEM(part, 0))
                    || !PyList_Check(PyTuple_GET_ITEM(part, 1))
                    || PyList_GET_SIZE(PyTuple_GET_ITEM(part, 1)) != 2) {
                    PyErr_SetString(PyExc_TypeError,
                                    "gather: incoming holds a part not (terms, forms)");
                    r2 = -1;
                    break;
                }
                terms = PyTuple_GET_ITEM(part, 0);
                levels = PyTuple_GET_ITEM(part, 1);
            }
            for (Py_ssize_t q = 0; r2 == 1 && q < posts; q++) {
                Py_ssize_t pair, cells;
                const char *s;
                Py_ssize_t n;
                if (!rd_seq(r, '(', &pair) || pair != 2 || !rd_str(r, &s, &n)
                    || !rd_seq(r, '[', &cells) || cells % 2) {
                    r2 = 0;
                    break;
                }
                PyObject *term = NULL, *docs = NULL;
                if (take && c->packed != NULL) { /* fresh_round: no dicts */
                    term = kept_str(c->strings, s, n);
                    if (term == NULL || packed_term(c->packed, term, k) < 0)
                        r2 = -1;
                } else if (take) {
                    term = kept_str(c->strings, s, n);
                    docs = term ? PyDict_GetItemWithError(terms, term) : NULL;
                    if (docs == NULL && term != NULL && !PyErr_Occurred()) {
                        docs = PyDict_New();
                        if (docs != NULL && PyDict_SetItem(terms, term, docs) < 0)
                            Py_CLEAR(docs);
                        Py_XDECREF(docs); /* terms holds it */
                    }
                    if (docs != NULL && !PyDict_Check(docs)) {
                        PyErr_SetString(PyExc_TypeError,
                                        "gather: a term's postings are not a dict");
                        docs = NULL;
                    }
                    if (docs == NULL)
                        r2 = -1;
                }
                for (Py_ssize_t e = 0; r2 == 1 && e < cells; e += 2) {
                    int64_t f;
                    if (!rd_int(r, &f) || !rd_str(r, &s, &n)) {
                        r2 = 0;
                        break;
                    }
                    if (!take)
                        continue;
                    if (c->packed != NULL) {
                        if (packed_post(c->packed, f, s, n) < 0)
                            r2 = -1;
                        continue;
                    }
                    PyObject *field = PyLong_FromLongLong(f);
                    PyObject *cell = n <= SHORT_CELL ? kept_str(c->strings, s, n)
                                                     : new_str(s, n);
                    PyObject *at = field ? PyDict_GetItemWithError(docs, field) : NULL;
                    if (field == NULL || cell == NULL || (at == NULL && PyErr_Occurred()))
                        r2 = -1;
                    else if (at == NULL)
                        r2 = set_one(docs, field, num, cell) < 0 ? -1 : 1;
                    else if (PyDict_Check(at))
                        r2 = PyDict_SetItem(at, num, cell) < 0 ? -1 : 1;
                    else
                        r2 = PyObject_SetItem(at, num, cell) < 0 ? -1 : 1;
                    Py_XDECREF(field);
                    Py_XDECREF(cell);
                }
                if (posts == 1 && term != NULL) { /* the 3-item forms' term */
                    one = term;
                    term = NULL;
                }
                Py_XDECREF(term);
            }
            if (r2 == 1 && !rd_seq(r, '[', &forms))
                r2 = 0;
            if (one == NULL)
                one = Py_NewRef(Py_None);
            for (Py_ssize_t q = 0; r2 == 1 && q < forms; q++) {
                Py_ssize_t size;
                int64_t level;
                const char *ts = NULL, *ns, *ss = NULL;
                Py_ssize_t tn = 0, nn, sn = 0;
                if (!rd_seq(r, '(', &size) || (size != 3 && size != 4) || !rd_int(r, &level)
                    || (level != 0 && level != 1) || (size == 4 && !rd_str(r, &ts, &tn))
                    || !rd_str(r, &ns, &nn)) {
                    r2 = 0;
                    break;
                }
                if (r->p < r->end && *r->p == 'N') /* the normalized form's spelling */
                    r->p++;
                else if (!rd_str(r, &ss, &sn)) {
                    r2 = 0;
                    break;
                }
                if (!take)
                    continue;
                PyObject *term = ts ? kept_str(c->strings, ts, tn) : Py_NewRef(one);
                PyObject *norm = kept_str(c->strings, ns, nn);
                PyObject *spelling = ss ? kept_str(c->strings, ss, sn) : Py_XNewRef(norm);
                if (term == NULL || norm == NULL || spelling == NULL)
                    r2 = -1;
                else
                    r2 = add_form(PyList_GET_ITEM(levels, level), term, norm, spelling,
                                  num) < 0 ? -1 : 1;
                Py_XDECREF(term);
                Py_XDECREF(norm);
                Py_XDECREF(spelling);
            }
            Py_XDECREF(one);
        }
        Py_XDECREF(keep);
        Py_XDECREF(num);
        if (r2 != 1)
            return r2;
    }
    return 1;
}

/* Batches read through marshal.loads so far (not of the spill's shape): for the tests. */
static Py_ssize_t loaded_batches;

/* One batch's marshal bytes (any object with the buffer interface). */
static int gather_bytes(PyObject *chunk, Round *c) {
    Py_buffer view;
    if (PyObject_GetBuffer(chunk, &view, PyBUF_SIMPLE) < 0)
        return -1;
    int r;
    if (c->packed != NULL) {
        /* fresh_round: one walk, without the check (a batch of another shape hands the
         * whole round back: what it gathered is dropped) */
        Reader read = {view.buf, (const unsigned char *)view.buf + view.len};
        int built = walk(&read, c, 1);
        if (built == 0 || (built == 1 && read.p != read.end))
            packed_odd(c->packed);
        PyBuffer_Release(&view);
        return built < 0 ? -1 : 0;
    }
    Reader check = {view.buf, (const unsigned char *)view.buf + view.len};
    int shape = walk(&check, c, 0);
    if (shape == 1 && check.p == check.end) {
        Reader read = {view.buf, (const unsigned char *)view.buf + view.len};
        int built = walk(&read, c, 1);
        if (built == 0 && !PyErr_Occurred()) /* (checked above: not to happen) */
            PyErr_SetString(PyExc_RuntimeError, "gather_spill: a batch read twice differs");
        r = built == 1 && !PyErr_Occurred() ? 0 : -1;
    } else { /* another shape: as the twin reads it */
        loaded_batches++;
        PyObject *batch = PyMarshal_ReadObjectFromString(view.buf, view.len);
        r = batch == NULL ? -1 : gather_batch(batch, c);
        Py_XDECREF(batch);
    }
    PyBuffer_Release(&view);
    return r;
}

static PyObject *gather_spill(PyObject *self, PyObject *args) {
    (void)self;
    Strings strings = {NULL, 0, 0, NULL, 0, 0};
    PyObject *done = over_batches(args, "OOO!LLLLO!:gather_spill", gather_bytes, &strings);
    strings_free(&strings);
    return done;
}

/* ------------------------------------------------------------------ postings */

/* The rest of a term: its twin's per-term function, rest(term, fields). */
static int hand_over(PyObject *rest, PyObject *term, PyObject *value) {
    PyObject *got = PyObject_CallFunctionObjArgs(rest, term, value, NULL);
    if (got == NULL)
        return -1;
    Py_DECREF(got);
    return 0;
}

static int put_entry(PyObject *entries, PyObject *term, Text *t, PyObject *second,
                     PyObject *third) {
    PyObject *fragment = text_done(t);
    if (fragment == NULL)
        return -1;
    PyObject *entry = third ? PyTuple_Pack(3, fragment, second, third)
                            : PyTuple_Pack(2, fragment, second);
    Py_DECREF(fragment);
    if (entry == NULL)
        return -1;
    int r = PyDict_SetItem(entries, term, entry);
    Py_DECREF(entry);
    return r;
}

/* What a shard's postings are written with (index._fresh_postings' arguments). */
typedef struct {
    PyObject *entries, *fragments;
    Py_ssize_t long_docs;
    int64_t slots;      /* 0: beyond 64 bits (the long terms go to the twin) */
    int64_t block_docs; /* index.BLOCK_DOCS */
} Shard;

/* A field's number as a JSON member's start: "name":" (first: without the comma). */
static int text_member(Text *t, const char *name, int first) {
    if ((!first && text_char(t, ',') < 0) || text_char(t, '"') < 0 || text_ascii(t, name) < 0
        || text_ascii(t, "\":\"") < 0)
        return -1;
    return 0;
}

/* Whether a cell is written as it is by json.dumps too (ASCII, no character it escapes);
 * *count: its numbers (digits.count_numbers: its characters but the lead digits). */
static int plain_cell(const Pair *cell, int64_t *count) {
    if (cell->kind != 1)
        return 0;
    const unsigned char *c = cell->data;
    Py_ssize_t n = cell->n, lead = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (c[i] < 0x20 || c[i] >= 0x80 || c[i] == '"' || c[i] == '\\')
            return 0;
        lead += memchr(ALPHABET + BASE, c[i], (size_t)LEADS) != NULL;
    }
    *count = n - lead;
    return 1;
}

/* A long term's entry (index._posting_fragment of cells: its summary's text and marshal
 * bytes, its positions files' fragments into s->fragments): 1 made, 0 not taken, -1 an
 * error. fields' order (order[0..nf)) is the dict's: the summary's and the files'. */
static int long_posting(Text *t, PyObject *term, const int *order, int nf, PyObject **keys,
                        Pair **pairs, const Py_ssize_t *sizes, const int64_t *docs,
                        Py_ssize_t n, Shard *s) {
    if (s->slots <= 0 || s->block_docs <= 0)
        return 0;
    int64_t *counts[NFIELDS] = {NULL};
    PyObject *doclist = NULL, *tfs = NULL, *summary = NULL, *data = NULL, *lunr = NULL;
    Py_ssize_t (*ranges)[NFIELDS][2] = NULL;
    int64_t *slot_of = NULL, *part_block = NULL;
    int r = 1;
    /* the blocks: a power of two ≥ n / block_docs (index.position_blocks) */
    int64_t want = (n + s->block_docs - 1) / s->block_docs, blocks = 1;
    if (want < 1)
        want = 1;
    while (blocks < want)
        blocks *= 2;
    if (docs[n - 1] > INT64_MAX / blocks)
        return 0;
    for (int i = 0; i < nf; i++) {
        int f = order[i];
        counts[f] = PyMem_Malloc((size_t)sizes[f] * sizeof(int64_t));
        if (counts[f] == NULL) {
            PyErr_NoMemory();
            r = -1;
            goto done;
        }
        for (Py_ssize_t k = 0; k < sizes[f]; k++)
            if (!plain_cell(&pairs[f][k], &counts[f][k])) {
                r = 0;
                goto done;
            }
    }
    /* the summary: (docs, {field: term frequency over docs}) */
    doclist = PyList_New(n);
    tfs = PyDict_New();
    if (doclist == NULL || tfs == NULL) {
        r = -1;
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *d = PyLong_FromLongLong(docs[i]);
        if (d == NULL) {
            r = -1;
            goto done;
        }
        PyList_SET_ITEM(doclist, i, d);
    }
    for (int i = 0; i < nf; i++) {
        int f = order[i];
        PyObject *row = PyList_New(n);
        if (row == NULL || PyDict_SetItem(tfs, keys[f], row) < 0) {
            Py_XDECREF(row);
            r = -1;
            goto done;
        }
        Py_DECREF(row); /* tfs holds it */
        Py_ssize_t a = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            int64_t tf = 0;
            if (a < sizes[f] && pairs[f][a].d == docs[k])
                tf = counts[f][a++];
            PyObject *v = PyLong_FromLongLong(tf);
            if (v == NULL) {
                r = -1;
                goto done;
            }
            PyList_SET_ITEM(row, k, v);
        }
    }
    summary = PyTuple_Pack(2, doclist, tfs);
    data = summary ? PyMarshal_WriteObjectToString(summary, 2) : NULL;
    if (data == NULL) {
        r = -1;
        goto done;
    }
    /* the shard entry: members in the order of their names ("t" before the titles') */
    for (int rank = 0; rank <= NFIELDS; rank++) {
        if (rank == 4) {
            if (text_member(t, "t", t->n == 0) < 0 || text_gaps(t, docs, n) < 0
                || text_char(t, '"') < 0) {
                r = -1;
                goto done;
            }
        }
        if (rank == NFIELDS)
            break;
        int f = 0;
        while (NAME_RANK[f] != rank)
            f++;
        if (counts[f] == NULL)
            continue;
        if (text_member(t, FIELD_NAMES[f], t->n == 0) < 0) {
            r = -1;
            goto done;
        }
        Py_ssize_t a = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            int64_t tf = 0;
            if (a < sizes[f] && pairs[f][a].d == docs[k])
                tf = counts[f][a++];
            if (text_number(t, tf) < 0) {
                r = -1;
                goto done;
            }
        }
        if (text_char(t, '"') < 0) {
            r = -1;
            goto done;
        }
    }
    lunr = text_done(t);
    if (lunr == NULL) {
        r = -1;
        goto done;
    }
    /* the positions files: each field's articles split by range of document numbers
     * (index._cell_fragments), the ranges in the order first met */
    slot_of = PyMem_Malloc((size_t)blocks * sizeof(int64_t));
    part_block = PyMem_Malloc((size_t)blocks * sizeof(int64_t));
    ranges = PyMem_Malloc((size_t)blocks * sizeof(*ranges));
    if (slot_of == NULL || part_block == NULL || ranges == NULL) {
        PyErr_NoMemory();
        r = -1;
        goto done;
    }
    for (int64_t b = 0; b < blocks; b++)
        slot_of[b] = -1;
    int64_t parts = 0;
    for (int i = 0; i < nf; i++) {
        int f = order[i];
        Py_ssize_t k = 0;
        while (k < sizes[f]) {
            int64_t b = pairs[f][k].d * blocks / s->slots;
            Py_ssize_t j = k;
            while (j < sizes[f] && pairs[f][j].d * blocks / s->slots == b)
                j++;
            if (b >= blocks) { /* a document number beyond the slots: the twin's */
                r = 0;
                goto done;
            }
            if (slot_of[b] < 0) {
                slot_of[b] = parts;
                part_block[parts] = b;
                for (int g = 0; g < NFIELDS; g++)
                    ranges[parts][g][0] = -1;
                parts++;
            }
            ranges[slot_of[b]][f][0] = k;
            ranges[slot_of[b]][f][1] = j;
            k = j;
        }
    }
    for (int64_t p = 0; p < parts; p++) {
        if (text_char(t, '{') < 0) {
            r = -1;
            goto done;
        }
        for (int rank = 0, first = 1; rank < NFIELDS; rank++) {
            int f = 0;
            while (NAME_RANK[f] != rank)
                f++;
            if (counts[f] == NULL || ranges[p][f][0] < 0)
                continue;
            if (text_member(t, FIELD_NAMES[f], first) < 0) {
                r = -1;
                goto done;
            }
            first = 0;
            for (Py_ssize_t k = ranges[p][f][0]; k < ranges[p][f][1]; k++)
                if ((k > ranges[p][f][0] && text_char(t, ';') < 0)
                    || text_cell(t, &pairs[f][k]) < 0) {
                    r = -1;
                    goto done;
                }
            if (text_char(t, '"') < 0) {
                r = -1;
                goto done;
            }
        }
        if (text_char(t, '}') < 0) {
            r = -1;
            goto done;
        }
        PyObject *fragment = text_done(t);
        PyObject *key = fragment ? PyUnicode_FromFormat("%lld.%lld", (long long)blocks,
                                                        (long long)part_block[p]) : NULL;
        PyObject *held = key ? PyDict_GetItemWithError(s->fragments, key) : NULL;
        if (key != NULL && held == NULL && !PyErr_Occurred()) {
            held = PyDict_New();
            if (held != NULL && PyDict_SetItem(s->fragments, key, held) < 0)
                Py_CLEAR(held);
            Py_XDECREF(held); /* fragments holds it */
        }
        int bad = held == NULL || PyObject_SetItem(held, term, fragment) < 0;
        Py_XDECREF(key);
        Py_XDECREF(fragment);
        if (bad) {
            r = -1;
            goto done;
        }
    }
    {
        PyObject *entry = PyTuple_Pack(3, lunr, data, Py_True);
        r = entry == NULL || PyDict_SetItem(s->entries, term, entry) < 0 ? -1 : 1;
        Py_XDECREF(entry);
    }
done:
    for (int f = 0; f < NFIELDS; f++)
        PyMem_Free(counts[f]);
    PyMem_Free(slot_of);
    PyMem_Free(part_block);
    PyMem_Free(ranges);
    Py_XDECREF(doclist);
    Py_XDECREF(tfs);
    Py_XDECREF(summary);
    Py_XDECREF(data);
    Py_XDECREF(lunr);
    t->n = 0;
    return r;
}

/* A term's entry (index._fresh_posting): 1 made (put into s->entries), 0 not taken (the
 * twin's), -1 an error. */
static int posting_pairs(Text *t, PyObject *term, const int *order, int nf, PyObject **keys,
                         Pair **pairs, const Py_ssize_t *sizes, Py_ssize_t total, Shard *s);

static int posting(Text *t, PyObject *term, PyObject *fields, Shard *s) {
    Pair *pairs[NFIELDS] = {NULL};
    Py_ssize_t sizes[NFIELDS] = {0};
    PyObject *keys[NFIELDS] = {NULL};
    int order[NFIELDS], nf = 0;
    int r = 1;
    Py_ssize_t total = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(fields, &pos, &key, &value)) {
        int f = as_field(key);
        if (f < 0 || !PyDict_Check(value) || keys[f] || PyDict_GET_SIZE(value) == 0) {
            r = 0;
            goto done;
        }
        keys[f] = key;
        order[nf++] = f;
        total += PyDict_GET_SIZE(value);
    }
    for (int i = 0; i < nf; i++) {
        r = sorted_pairs(PyDict_GetItem(fields, keys[order[i]]), &pairs[order[i]],
                         &sizes[order[i]]);
        if (r <= 0)
            goto done;
    }
    r = posting_pairs(t, term, order, nf, keys, pairs, sizes, total, s);
done:
    for (int f = 0; f < NFIELDS; f++)
        PyMem_Free(pairs[f]);
    return r;
}

/* A term's entry from its fields' postings as pairs sorted by docnum (posting's, and
 * fresh_round's from the spill's bytes): 1 made, 0 not taken, -1 an error. keys[f]: field f
 * as the fields dict holds it (NULL: not there), order[0..nf): the fields in the dict's
 * order; total: the pairs in all. */
static int posting_pairs(Text *t, PyObject *term, const int *order, int nf, PyObject **keys,
                         Pair **pairs, const Py_ssize_t *sizes, Py_ssize_t total, Shard *s) {
    int64_t *docs = NULL;
    int r = 1;
    /* the term's articles over its fields, ascending */
    docs = PyMem_Malloc((size_t)(total ? total : 1) * sizeof(int64_t));
    if (docs == NULL) {
        PyErr_NoMemory();
        r = -1;
        goto done;
    }
    Py_ssize_t n = 0;
    for (int f = 0; f < NFIELDS; f++)
        for (Py_ssize_t i = 0; i < sizes[f]; i++)
            docs[n++] = pairs[f][i].d;
    n = sorted_unique(docs, n);
    if (n > s->long_docs) { /* long: held by more articles than LONG_DOCS */
        r = long_posting(t, term, order, nf, keys, pairs, sizes, docs, n, s);
        goto done;
    }
    if (text_ascii(t, "\"d\":\"") < 0 || text_gaps(t, docs, n) < 0 || text_char(t, '"') < 0) {
        r = -1;
        goto done;
    }
    /* each field in the order of the names, one cell per article */
    for (int rank = 0; rank < NFIELDS; rank++) {
        int f = 0;
        while (NAME_RANK[f] != rank)
            f++;
        if (!keys[f])
            continue;
        int ref = REF[f] >= 0 && keys[REF[f]] ? REF[f] : -1;
        if (text_member(t, FIELD_NAMES[f], 0) < 0) {
            r = -1;
            goto done;
        }
        Py_ssize_t a = 0, b = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i && text_char(t, ';') < 0) {
                r = -1;
                goto done;
            }
            const Pair *cell = NULL, *other = NULL;
            if (a < sizes[f] && pairs[f][a].d == docs[i])
                cell = &pairs[f][a++];
            if (ref >= 0) {
                while (b < sizes[ref] && pairs[ref][b].d < docs[i])
                    b++;
                if (b < sizes[ref] && pairs[ref][b].d == docs[i])
                    other = &pairs[ref][b];
            }
            /* "=": the same cell as the reference field's (the twin compares "" too) */
            if (other != NULL && (cell ? same_cell(cell, other) : other->n == 0)) {
                if (text_char(t, '=') < 0) {
                    r = -1;
                    goto done;
                }
            } else if (cell != NULL && text_cell(t, cell) < 0) {
                r = -1;
                goto done;
            }
        }
        if (text_char(t, '"') < 0) {
            r = -1;
            goto done;
        }
    }
    r = put_entry(s->entries, term, t, Py_None, Py_False) < 0 ? -1 : 1;
done:
    PyMem_Free(docs);
    if (r <= 0)
        t->n = 0;
    return r;
}

/* s's slots (0: not an int of 64 bits) and block_docs. */
static int shard_slots(Shard *s, PyObject *slots, long long block_docs) {
    int overflow = 0;
    long long v = PyLong_Check(slots) ? PyLong_AsLongLongAndOverflow(slots, &overflow) : 0;
    if (v == -1 && PyErr_Occurred())
        return -1;
    s->slots = overflow ? 0 : v;
    s->block_docs = block_docs;
    return 0;
}

static PyObject *fresh_postings(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *new, *slots, *rest;
    Shard s;
    long long block_docs;
    if (!PyArg_ParseTuple(args, "O!O!nOLO!O:fresh_postings", &PyDict_Type, &new, &PyDict_Type,
                          &s.entries, &s.long_docs, &slots, &block_docs, &PyDict_Type,
                          &s.fragments, &rest))
        return NULL;
    if (shard_slots(&s, slots, block_docs) < 0)
        return NULL;
    Text t = {NULL, 0, 0};
    Py_ssize_t pos = 0;
    PyObject *term, *fields;
    int r = 0;
    while (r == 0 && PyDict_Next(new, &pos, &term, &fields)) {
        Py_INCREF(term);
        Py_INCREF(fields);
        /* a term of one article is long only below one (LONG_DOCS 0: the twin's) */
        int made = (PyDict_Check(fields) && s.long_docs >= 1 && PyDict_GET_SIZE(fields))
                       ? posting(&t, term, fields, &s) : 0;
        if (made < 0)
            r = -1;
        else if (!made)
            r = hand_over(rest, term, fields);
        Py_DECREF(fields);
        Py_DECREF(term);
    }
    PyMem_Free(t.p);
    if (r < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ forms */

typedef struct {
    int64_t d;
    Py_ssize_t form; /* the form's number (0 …) */
} Held;

#define HELD_LESS(x, y) ((x).d < (y).d || ((x).d == (y).d && (x).form < (y).form))
DEFINE_SORT(sort_held, Held, HELD_LESS)

static int str_cmp(const void *a, const void *b) {
    return PyUnicode_Compare(*(PyObject *const *)a, *(PyObject *const *)b);
}

/* index._level_docs of a term's postings: the ascending union of the level's body and title
 * fields' articles. 1 done, 0 not taken, -1 an error; *docs PyMem-allocated. */
static int level_docs(PyObject *fields, int level, int64_t **docs, Py_ssize_t *n) {
    *docs = NULL;
    *n = 0;
    PyObject *parts[2] = {NULL, NULL};
    Py_ssize_t total = 0;
    if (fields != NULL && fields != Py_None) {
        if (!PyDict_Check(fields))
            return 0;
        for (int i = 0; i < 2; i++) {
            PyObject *f = PyLong_FromLong(LEVEL_FIELDS[level][i]);
            if (f == NULL)
                return -1;
            parts[i] = PyDict_GetItemWithError(fields, f);
            Py_DECREF(f);
            if (parts[i] == NULL && PyErr_Occurred())
                return -1;
            if (parts[i] != NULL) {
                if (!PyDict_Check(parts[i]))
                    return 0;
                total += PyDict_GET_SIZE(parts[i]);
            }
        }
    }
    *docs = PyMem_Malloc((size_t)(total ? total : 1) * sizeof(int64_t));
    if (*docs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t k = 0;
    for (int i = 0; i < 2; i++) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (parts[i] != NULL && PyDict_Next(parts[i], &pos, &key, &value)) {
            int ok = k < total ? as_docnum(key, &(*docs)[k]) : 0;
            if (ok <= 0) {
                PyMem_Free(*docs);
                *docs = NULL;
                return ok;
            }
            k++;
        }
    }
    *n = sorted_unique(*docs, k);
    return 1;
}

/* A list of document numbers (sorted in place, as the twin does) appended to held as the
 * articles of form `form`: 1 done, 0 not taken, -1 an error. */
static int sort_numbers(PyObject *numbers) {
    if (!PyList_CheckExact(numbers))
        return 0;
    if (PyList_GET_SIZE(numbers) > 1 && PyList_Sort(numbers) < 0)
        return -1;
    return 1;
}

static int add_held(Held **held, Py_ssize_t *n, Py_ssize_t *cap, PyObject *numbers,
                    Py_ssize_t form) {
    Py_ssize_t size = PyList_GET_SIZE(numbers);
    if (*n + size > *cap) {
        Held *p = native_grown(*held, cap, *n + size, sizeof(Held), 16);
        if (p == NULL)
            return -1;
        *held = p;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        int64_t d;
        int ok = as_docnum(PyList_GET_ITEM(numbers, i), &d);
        if (ok <= 0)
            return ok;
        (*held)[*n].d = d;
        (*held)[*n].form = form;
        (*n)++;
    }
    return 1;
}

/* a form's name (index._form_name) */
static int text_form_name(Text *t, PyObject *norm, PyObject *spelling) {
    if (same_str(norm, spelling))
        return text_json(t, norm);
    if (text_char(t, '[') < 0 || text_json(t, norm) < 0 || text_char(t, ',') < 0
        || text_json(t, spelling) < 0 || text_char(t, ']') < 0)
        return -1;
    return 0;
}

/* A term's forms fragment (index._fresh_form): 1 made, 0 not taken, -1 an error. */
static int forms_fragment(Text *t, PyObject *term, PyObject *norms, const int64_t *docs,
                          Py_ssize_t ndocs) {
    Py_ssize_t count = PyDict_GET_SIZE(norms), pos = 0;
    PyObject *key, *value;
    if (!PyUnicode_Check(term) || count == 0)
        return 0;
    /* sorted in place first, as the twin does (the state keeps them so) */
    while (PyDict_Next(norms, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyDict_Check(value) || PyDict_GET_SIZE(value) == 0)
            return 0;
        Py_ssize_t p2 = 0;
        PyObject *s, *numbers;
        while (PyDict_Next(value, &p2, &s, &numbers)) {
            if (!PyUnicode_Check(s))
                return 0;
            int ok = sort_numbers(numbers);
            if (ok <= 0)
                return ok;
            if (PyList_GET_SIZE(numbers) == 0)
                return 0;
        }
    }
    PyObject **order = PyMem_Malloc((size_t)count * sizeof(PyObject *));
    PyObject **spelled = PyMem_Malloc((size_t)count * sizeof(PyObject *));
    Held *held = NULL;
    Py_ssize_t nheld = 0, cap = 0;
    int r = 1;
    if (order == NULL || spelled == NULL) {
        PyErr_NoMemory();
        r = -1;
        goto done;
    }
    pos = 0;
    Py_ssize_t i = 0;
    while (PyDict_Next(norms, &pos, &key, &value))
        order[i++] = key;
    qsort(order, (size_t)count, sizeof(PyObject *), str_cmp); /* (exact code point order) */
    for (i = 0; i < count; i++) {
        PyObject *spellings = PyDict_GetItemWithError(norms, order[i]);
        if (spellings == NULL) {
            r = PyErr_Occurred() ? -1 : 0;
            goto done;
        }
        /* the spelling of the lowest-numbered article (ties: the lowest spelling) */
        PyObject *best = NULL;
        int64_t low = 0;
        Py_ssize_t p2 = 0;
        PyObject *s, *numbers;
        while (PyDict_Next(spellings, &p2, &s, &numbers)) {
            int64_t first;
            int ok = as_docnum(PyList_GET_ITEM(numbers, 0), &first);
            if (ok <= 0) {
                r = ok;
                goto done;
            }
            if (best == NULL || first < low
                || (first == low && PyUnicode_Compare(s, best) < 0)) {
                best = s;
                low = first;
            }
            ok = add_held(&held, &nheld, &cap, numbers, i);
            if (ok <= 0) {
                r = ok;
                goto done;
            }
        }
        spelled[i] = best;
    }
    if (count == 1 && PyDict_GET_SIZE(PyDict_GetItem(norms, order[0])) == 1
        && nheld == ndocs) {
        /* one form, one spelling: held by each article of the posting? */
        int each = 1;
        for (i = 0; i < ndocs && each; i++)
            each = held[i].d == docs[i];
        if (each) {
            if (text_json(t, term) < 0 || text_ascii(t, ":[[") < 0
                || text_form_name(t, order[0], spelled[0]) < 0 || text_ascii(t, "],0]") < 0)
                r = -1;
            goto done;
        }
    }
    /* each article's code: its form's number + 1, or "," its forms' count and numbers */
    sort_held(held, nheld);
    if (text_json(t, term) < 0 || text_ascii(t, ":[[") < 0) {
        r = -1;
        goto done;
    }
    for (i = 0; i < count; i++)
        if ((i && text_char(t, ',') < 0) || text_form_name(t, order[i], spelled[i]) < 0) {
            r = -1;
            goto done;
        }
    Py_ssize_t mark = t->n, at = 0, found = 0, distinct = 0, missing = 0;
    if (text_ascii(t, "],\"") < 0) {
        r = -1;
        goto done;
    }
    for (Py_ssize_t j = 0; j < nheld; j++)
        distinct += j == 0 || held[j].d != held[j - 1].d;
    for (Py_ssize_t j = 0; j < ndocs; j++) {
        while (at < nheld && held[at].d < docs[j])
            at++;
        if (at >= nheld || held[at].d != docs[j]) {
            missing++;
            if (text_char(t, '!') < 0) {
                r = -1;
                goto done;
            }
            continue;
        }
        found++;
        Py_ssize_t end = at, forms = 0;
        while (end < nheld && held[end].d == docs[j]) {
            forms += end == at || held[end].form != held[end - 1].form;
            end++;
        }
        if (forms == 1) {
            if (text_number(t, held[at].form + 1) < 0) {
                r = -1;
                goto done;
            }
        } else {
            if (text_char(t, ',') < 0 || text_number(t, forms) < 0) {
                r = -1;
                goto done;
            }
            for (Py_ssize_t k = at; k < end; k++)
                if ((k == at || held[k].form != held[k - 1].form)
                    && text_number(t, held[k].form) < 0) {
                    r = -1;
                    goto done;
                }
        }
        at = end;
    }
    if (found != distinct) { /* an article not in the posting: the explicit entry (twin) */
        r = 0;
        goto done;
    }
    if (count == 1 && !missing) { /* one form, every article: "0" */
        t->n = mark;
        if (text_ascii(t, "],0]") < 0)
            r = -1;
        goto done;
    }
    if (text_ascii(t, "\"]") < 0)
        r = -1;
done:
    PyMem_Free(order);
    PyMem_Free(spelled);
    PyMem_Free(held);
    if (r <= 0)
        t->n = 0;
    return r;
}

/* entries[term] = (the fragment made in t, the forms' marshal bytes). */
static int form_entry(Text *t, PyObject *entries, PyObject *term, PyObject *norms) {
    PyObject *data = PyMarshal_WriteObjectToString(norms, 2);
    int r = data == NULL ? -1 : put_entry(entries, term, t, data, NULL);
    Py_XDECREF(data);
    return r;
}

static PyObject *fresh_forms(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *new, *terms, *entries, *rest;
    int level;
    if (!PyArg_ParseTuple(args, "O!iO!O!O:fresh_forms", &PyDict_Type, &new, &level,
                          &PyDict_Type, &terms, &PyDict_Type, &entries, &rest))
        return NULL;
    if (level < 0 || level > 1) {
        PyErr_SetString(PyExc_ValueError, "fresh_forms: level is 0 or 1");
        return NULL;
    }
    Text t = {NULL, 0, 0};
    Py_ssize_t pos = 0;
    PyObject *term, *norms;
    int r = 0;
    while (r == 0 && PyDict_Next(new, &pos, &term, &norms)) {
        Py_INCREF(term);
        Py_INCREF(norms);
        int made = 0;
        if (PyDict_Check(norms)) {
            PyObject *fields = PyDict_GetItemWithError(terms, term);
            int64_t *docs = NULL;
            Py_ssize_t ndocs = 0;
            if (fields == NULL && PyErr_Occurred())
                made = -1;
            else
                made = level_docs(fields, level, &docs, &ndocs);
            if (made > 0)
                made = forms_fragment(&t, term, norms, docs, ndocs);
            PyMem_Free(docs);
        }
        if (made < 0)
            r = -1;
        else if (made)
            r = form_entry(&t, entries, term, norms);
        else
            r = hand_over(rest, term, norms);
        Py_DECREF(norms);
        Py_DECREF(term);
    }
    PyMem_Free(t.p);
    if (r < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ a cold round */

/* fresh_round(chunks, renumber, shards, passes, step, part_of, long_docs, slots, block_docs,
 *             posting_rest, form_rest)
 * One round of index._write_shards on a cold build: gather_spill of the chunks (without
 * partial postings) then, for each shard k gathered, fresh_postings and fresh_forms of its
 * postings and forms, in one call: {k: (postings entries, [stem entries, root entries],
 * positions fragments)}. The postings are kept packed (Packed) between the two, not in dicts.
 * A term the C code does not write is handed to its twin with its fields made as gather
 * makes them: posting_rest(entries, slots, fragments, term, fields) (index._fresh_posting),
 * form_rest(entries, level, {term: fields} or {}, term, norms) (index._fresh_form). None:
 * a chunk or value not of the spill's shape; the caller reads the round the older way. */

typedef struct {
    long long k;
    int32_t term;
} ShardTerm;

#define SHARD_TERM_LESS(x, y) ((x).k < (y).k || ((x).k == (y).k && (x).term < (y).term))
DEFINE_SORT(sort_shard_terms, ShardTerm, SHARD_TERM_LESS)

/* The rows grouped by term in place, each term's in the spill's order (a counting sort, its
 * permutation followed cycle by cycle: no second copy of the rows at the round's peak); sets
 * each term's start. -1 and an exception on failure. */
static int packed_group(Packed *p) {
    Py_ssize_t *to = PyMem_Malloc((size_t)(p->nposts ? p->nposts : 1) * sizeof(Py_ssize_t));
    Py_ssize_t *fill = PyMem_Malloc((size_t)(p->nterms ? p->nterms : 1) * sizeof(Py_ssize_t));
    if (to == NULL || fill == NULL) {
        PyMem_Free(to);
        PyMem_Free(fill);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < p->nterms; i++) {
        p->terms[i].start = fill[i] = at;
        at += p->terms[i].count;
    }
    for (Py_ssize_t i = 0; i < p->nposts; i++)
        to[i] = fill[p->posts[i].term]++;
    for (Py_ssize_t i = 0; i < p->nposts; i++)
        while (to[i] != i) { /* row i to its place; the row there comes to i */
            Py_ssize_t j = to[i];
            Post row = p->posts[j];
            p->posts[j] = p->posts[i];
            p->posts[i] = row;
            to[i] = to[j];
            to[j] = j;
        }
    PyMem_Free(fill);
    PyMem_Free(to);
    return 0;
}

/* A row's cell as gather_spill makes it (new reference). */
static PyObject *row_cell(Packed *p, Strings *strings, const Post *row) {
    const char *s = p->arena.p + row->at;
    return row->n <= SHORT_CELL ? kept_str(strings, s, row->n) : new_str(s, row->n);
}

/* A term's fields as gather_spill makes them: field → docnum → cell, in the rows' order
 * (a repeated docnum: the last row's cell in the first one's place). */
static PyObject *packed_fields(Packed *p, Strings *strings, const Post *rows,
                               const PackedTerm *term) {
    PyObject *fields = PyDict_New();
    for (Py_ssize_t i = 0; fields != NULL && i < term->count; i++) {
        const Post *row = &rows[term->start + i];
        PyObject *field = PyLong_FromLong(row->f);
        PyObject *num = PyLong_FromLongLong(row->d);
        PyObject *cell = row_cell(p, strings, row);
        PyObject *at = field ? PyDict_GetItemWithError(fields, field) : NULL;
        int r = field == NULL || num == NULL || cell == NULL || (at == NULL && PyErr_Occurred())
                    ? -1 : 0;
        if (r == 0 && at == NULL)
            r = set_one(fields, field, num, cell);
        else if (r == 0)
            r = PyDict_SetItem(at, num, cell);
        Py_XDECREF(field);
        Py_XDECREF(num);
        Py_XDECREF(cell);
        if (r < 0)
            Py_CLEAR(fields);
    }
    return fields;
}

/* A term's postings entry from its rows (posting's, without the dicts): 1 made, 0 not
 * taken (the twin's), -1 an error. */
static int packed_posting(Text *t, Packed *p, const Post *rows,
                          const PackedTerm *term, Shard *s) {
    Pair *pairs[NFIELDS] = {NULL};
    Py_ssize_t sizes[NFIELDS] = {0}, fill[NFIELDS] = {0};
    PyObject *keys[NFIELDS] = {NULL};
    int order[NFIELDS], nf = 0, r = 1;
    const Post *mine = rows + term->start;
    if (term->count == 0 || s->long_docs < 1)
        return 0;
    for (Py_ssize_t i = 0; i < term->count; i++) /* the fields in the dict's order */
        if (sizes[mine[i].f]++ == 0)
            order[nf++] = mine[i].f;
    for (int i = 0; i < nf && r == 1; i++) {
        int f = order[i];
        keys[f] = PyLong_FromLong(f);
        pairs[f] = PyMem_Malloc((size_t)sizes[f] * sizeof(Pair));
        if (keys[f] == NULL || pairs[f] == NULL) {
            if (pairs[f] == NULL)
                PyErr_NoMemory();
            r = -1;
        }
    }
    for (Py_ssize_t i = 0; i < term->count && r == 1; i++) {
        int f = mine[i].f;
        if (!mine[i].ascii) { /* (its str: the twin's way, through the dicts) */
            r = 0;
            break;
        }
        pairs[f][fill[f]++] = (Pair){mine[i].d, p->arena.p + mine[i].at, mine[i].n, 1};
    }
    for (int i = 0; i < nf && r == 1; i++) {
        int f = order[i];
        sort_pairs(pairs[f], sizes[f]);
        for (Py_ssize_t j = 1; j < sizes[f] && r == 1; j++)
            if (pairs[f][j].d == pairs[f][j - 1].d) /* an article twice: the dict's way */
                r = 0;
    }
    if (r == 1)
        r = posting_pairs(t, term->term, order, nf, keys, pairs, sizes, term->count, s);
    for (int f = 0; f < NFIELDS; f++) {
        PyMem_Free(pairs[f]);
        Py_XDECREF(keys[f]);
    }
    return r;
}

/* index._level_docs of a term's rows (NULL: none): the ascending articles of the level's
 * body and title fields. *docs PyMem-allocated. */
static int packed_level_docs(const Post *rows, const PackedTerm *term, int level,
                             int64_t **docs, Py_ssize_t *n) {
    Py_ssize_t count = term ? term->count : 0, k = 0;
    *docs = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(int64_t));
    if (*docs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        const Post *row = &rows[term->start + i];
        if (row->f == LEVEL_FIELDS[level][0] || row->f == LEVEL_FIELDS[level][1])
            (*docs)[k++] = row->d;
    }
    *n = sorted_unique(*docs, k);
    return 1;
}

/* The rest of a round's call (what each shard is written with). */
typedef struct {
    Packed *p;
    Strings *strings;
    const Post *rows;
    PyObject *slots, *posting_rest, *form_rest;
} Rest;

/* One level's forms entries of shard k (fresh_forms' loop over its gathered table). */
static int round_forms(Text *t, Rest *x, long long k, int level, PyObject *table,
                       PyObject *entries) {
    Py_ssize_t pos = 0;
    PyObject *term, *norms;
    int r = 0;
    while (r == 0 && PyDict_Next(table, &pos, &term, &norms)) {
        Py_INCREF(term);
        Py_INCREF(norms);
        const PackedTerm *held = NULL;
        if (x->p->slots != NULL) {
            size_t j = term_slot(x->p->slots, x->p->mask, term, k);
            if (x->p->slots[j].term != NULL)
                held = &x->p->terms[x->p->slots[j].index];
        }
        int made = 0;
        if (PyDict_Check(norms)) {
            int64_t *docs = NULL;
            Py_ssize_t ndocs = 0;
            made = packed_level_docs(x->rows, held, level, &docs, &ndocs);
            if (made > 0)
                made = forms_fragment(t, term, norms, docs, ndocs);
            PyMem_Free(docs);
        }
        if (made < 0) {
            r = -1;
        } else if (made) {
            r = form_entry(t, entries, term, norms);
        } else { /* the twin's, with the term's postings as gather makes them */
            PyObject *terms = PyDict_New(), *lvl = PyLong_FromLong(level), *got = NULL;
            PyObject *fields = held ? packed_fields(x->p, x->strings, x->rows, held) : NULL;
            if (terms != NULL && lvl != NULL && (held == NULL || fields != NULL)
                && (fields == NULL || PyDict_SetItem(terms, term, fields) == 0))
                got = PyObject_CallFunctionObjArgs(x->form_rest, entries, lvl, terms, term,
                                                   norms, NULL);
            r = got == NULL ? -1 : 0;
            Py_XDECREF(got);
            Py_XDECREF(fields);
            Py_XDECREF(lvl);
            Py_XDECREF(terms);
        }
        Py_DECREF(norms);
        Py_DECREF(term);
    }
    return r;
}

/* Shard k's (entries, [stem, root], fragments): its terms shard[0, n), its forms' part. */
static PyObject *round_shard(Text *t, Rest *x, Shard *s, long long k, const ShardTerm *shard,
                             Py_ssize_t n, PyObject *part) {
    PyObject *levels = NULL, *out = NULL;
    s->entries = PyDict_New();
    s->fragments = PyDict_New();
    int r = s->entries && s->fragments ? 0 : -1;
    for (Py_ssize_t i = 0; r == 0 && i < n; i++) {
        const PackedTerm *term = &x->p->terms[shard[i].term];
        int made = packed_posting(t, x->p, x->rows, term, s);
        if (made < 0) {
            r = -1;
        } else if (!made) {
            PyObject *fields = packed_fields(x->p, x->strings, x->rows, term), *got = NULL;
            if (fields != NULL)
                got = PyObject_CallFunctionObjArgs(x->posting_rest, s->entries, x->slots,
                                                   s->fragments, term->term, fields, NULL);
            r = got == NULL ? -1 : 0;
            Py_XDECREF(got);
            Py_XDECREF(fields);
        }
    }
    PyObject *tables = part ? PyTuple_GET_ITEM(part, 1) : NULL;
    if (r == 0)
        levels = PyList_New(2);
    for (int level = 0; r == 0 && levels != NULL && level < 2; level++) {
        PyObject *entries = PyDict_New();
        if (entries == NULL) {
            r = -1;
            break;
        }
        PyList_SET_ITEM(levels, level, entries);
        if (tables != NULL)
            r = round_forms(t, x, k, level, PyList_GET_ITEM(tables, level), entries);
    }
    if (r == 0 && levels != NULL)
        out = PyTuple_Pack(3, s->entries, levels, s->fragments);
    Py_XDECREF(levels);
    Py_CLEAR(s->entries);
    Py_CLEAR(s->fragments);
    return out;
}

static PyObject *fresh_round(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *chunks, *slots;
    Round c;
    Shard s;
    Rest x;
    Strings strings = {NULL, 0, 0, NULL, 0, 0};
    Packed packed;
    memset(&packed, 0, sizeof(packed));
    long long block_docs;
    if (!PyArg_ParseTuple(args, "OOLLLLnOLOO:fresh_round", &chunks, &c.renumber, &c.shards,
                          &c.passes, &c.step, &c.part_of, &s.long_docs, &slots, &block_docs,
                          &x.posting_rest, &x.form_rest))
        return NULL;
    if (c.shards <= 0 || c.step <= 0 || c.passes < 0) {
        PyErr_SetString(PyExc_ValueError, "fresh_round: shards and step must be positive");
        return NULL;
    }
    if (shard_slots(&s, slots, block_docs) < 0)
        return NULL;
    x.slots = slots;
    x.p = &packed;
    x.strings = &strings;
    x.rows = NULL;
    c.strings = &strings;
    c.packed = &packed;
    c.partial = PyDict_New(); /* a cold build: every posting of every article */
    c.incoming = PyDict_New();
    ShardTerm *order = NULL;
    PyObject *result = NULL, *it = NULL, *item;
    Text t = {NULL, 0, 0};
    int r = c.partial && c.incoming ? 0 : -1;
    if (r == 0 && (it = PyObject_GetIter(chunks)) == NULL)
        r = -1;
    while (r == 0 && !packed.odd && (item = PyIter_Next(it)) != NULL) {
        r = gather_bytes(item, &c);
        Py_DECREF(item);
    }
    if (r < 0 || PyErr_Occurred())
        goto done;
    if (packed.odd) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (packed_group(&packed) < 0)
        goto done;
    x.rows = packed.posts;
    order = PyMem_Malloc((size_t)(packed.nterms ? packed.nterms : 1) * sizeof(ShardTerm));
    if (order == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < packed.nterms; i++)
        order[i] = (ShardTerm){packed.terms[i].k, (int32_t)i};
    sort_shard_terms(order, packed.nterms);
    if ((result = PyDict_New()) == NULL)
        goto done;
    /* each shard gathered (a group taken makes its part, postings or not) */
    Py_ssize_t pos = 0;
    PyObject *key, *part;
    while (PyDict_Next(c.incoming, &pos, &key, &part)) {
        long long k = PyLong_AsLongLong(key);
        if (k == -1 && PyErr_Occurred()) {
            Py_CLEAR(result);
            break;
        }
        Py_ssize_t lo = 0, hi = packed.nterms; /* the shard's first term */
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (order[mid].k < k)
                lo = mid + 1;
            else
                hi = mid;
        }
        Py_ssize_t end = lo;
        while (end < packed.nterms && order[end].k == k)
            end++;
        PyObject *made = round_shard(&t, &x, &s, k, order + lo, end - lo, part);
        if (made == NULL || PyDict_SetItem(result, key, made) < 0) {
            Py_XDECREF(made);
            Py_CLEAR(result);
            break;
        }
        Py_DECREF(made);
    }
done:
    Py_XDECREF(it);
    PyMem_Free(t.p);
    PyMem_Free(order);
    Py_XDECREF(c.partial);
    Py_XDECREF(c.incoming);
    packed_free(&packed);
    strings_free(&strings);
    return result;
}

/* ------------------------------------------------------------------ rank.json */

/* lehmer_code(ranks): the bytes index.rank_code encodes in base64, for a list that is a
 * permutation of 0 … len - 1; None for anything else (the twin then makes the text, or its
 * error, itself). Every add or delete rebuild encodes all the places again (each one after
 * the article shifts): the twin's Fenwick tree in the interpreter cost 0.49 G instructions
 * at 29,904 articles. */
static PyObject *lehmer_code(PyObject *self, PyObject *ranks) {
    (void)self;
    if (!PyList_Check(ranks)) {
        PyErr_SetString(PyExc_TypeError, "lehmer_code: not a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(ranks);
    if (n >= ((Py_ssize_t)1 << 31))
        Py_RETURN_NONE;
    /* tree: a Fenwick tree of the places taken so far (1-based); seen: taken at all */
    uint32_t *tree = PyMem_Calloc((size_t)n + 1, sizeof(uint32_t));
    unsigned char *seen = PyMem_Calloc((size_t)n + 1, 1);
    Buf out = {NULL, 0, 0};
    PyObject *result = NULL;
    if (tree == NULL || seen == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    uint64_t acc = 0;
    int width = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyList_GET_ITEM(ranks, k);
        if (!PyLong_CheckExact(item)) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        int overflow;
        long long r = PyLong_AsLongLongAndOverflow(item, &overflow);
        if (overflow || r < 0 || r >= n || seen[r]) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        seen[r] = 1;
        uint32_t below = 0;
        for (Py_ssize_t i = (Py_ssize_t)r; i > 0; i &= i - 1)
            below += tree[i];
        for (Py_ssize_t i = (Py_ssize_t)r + 1; i <= n; i += i & -i)
            tree[i]++;
        /* (n - k - 1).bit_length() bits, most significant first */
        uint64_t rest = (uint64_t)(n - k - 1);
        int w = 0;
        while (rest >> w)
            w++;
        acc = (acc << w) | (uint64_t)(r - below);
        width += w;
        while (width >= 8) {
            width -= 8;
            if (buf_byte(&out, (unsigned char)(acc >> width & 0xFF)) < 0)
                goto done;
        }
        acc &= (((uint64_t)1) << width) - 1;
    }
    if (width && buf_byte(&out, (unsigned char)(acc << (8 - width) & 0xFF)) < 0)
        goto done;
    result = PyBytes_FromStringAndSize(out.p == NULL ? "" : out.p, out.len);
done:
    PyMem_Free(tree);
    PyMem_Free(seen);
    PyMem_Free(out.p);
    return result;
}

/* ------------------------------------------------------------------ module */

static PyObject *numbers_text(PyObject *self, PyObject *numbers) {
    /* digits.numbers_text of a list of numbers ≥ 0 below 2**62: for the tests */
    (void)self;
    PyObject *fast = PySequence_Fast(numbers, "numbers_text: not a sequence");
    if (fast == NULL)
        return NULL;
    Text t = {NULL, 0, 0};
    PyObject *out = NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    int r = 0;
    for (Py_ssize_t i = 0; r == 0 && i < n; i++) {
        int64_t v;
        int ok = as_docnum(PySequence_Fast_GET_ITEM(fast, i), &v);
        if (ok == 0)
            PyErr_SetString(PyExc_ValueError, "numbers_text: a number below 0 or too large");
        r = ok <= 0 ? -1 : text_number(&t, v);
    }
    if (r == 0)
        out = text_done(&t);
    PyMem_Free(t.p);
    Py_DECREF(fast);
    return out;
}

/* gaps_text(numbers): digits.numbers_text of the gaps of a list of ascending numbers ≥ 0
 * below 2**62 (index.delta_encode then numbers_text: a long term's articles, a short term's
 * "d"); ValueError for a number out of order, below 0 or too large. */
static PyObject *gaps_text(PyObject *self, PyObject *numbers) {
    (void)self;
    if (!PyList_Check(numbers)) {
        PyErr_SetString(PyExc_TypeError, "gaps_text: not a list");
        return NULL;
    }
    Text t = {NULL, 0, 0};
    PyObject *out = NULL;
    Py_ssize_t n = PyList_GET_SIZE(numbers);
    int64_t at = 0;
    int r = text_room(&t, n + 1);
    for (Py_ssize_t i = 0; r == 0 && i < n; i++) {
        int64_t v;
        int ok = as_docnum(PyList_GET_ITEM(numbers, i), &v);
        if (ok == 0 || (ok > 0 && v < at)) {
            PyErr_SetString(PyExc_ValueError,
                            "gaps_text: a number below 0, too large or out of order");
            ok = -1;
        }
        r = ok <= 0 ? -1 : text_number(&t, v - at);
        at = v;
    }
    if (r == 0)
        out = text_done(&t);
    PyMem_Free(t.p);
    return out;
}

/* level_docs(docs, a, b): the items of the list docs where the int of a or of b at the same
 * place is not 0 (index._level_docs of a long term's summary: its articles in either field
 * of a forms level); ValueError for lists of other lengths or an item of a or b not an int
 * (the twin decides). */
static PyObject *summary_level_docs(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *docs, *a, *b;
    if (!PyArg_ParseTuple(args, "O!O!O!:level_docs", &PyList_Type, &docs, &PyList_Type, &a,
                          &PyList_Type, &b))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(docs);
    if (PyList_GET_SIZE(a) != n || PyList_GET_SIZE(b) != n) {
        PyErr_SetString(PyExc_ValueError, "level_docs: lists of other lengths");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *x = PyList_GET_ITEM(a, i), *y = PyList_GET_ITEM(b, i);
        if (!PyLong_Check(x) || !PyLong_Check(y)) {
            PyErr_SetString(PyExc_ValueError, "level_docs: not an int");
            Py_CLEAR(out);
            break;
        }
        int held = PyObject_IsTrue(x);
        if (held == 0)
            held = PyObject_IsTrue(y);
        if (held < 0 || (held && PyList_Append(out, PyList_GET_ITEM(docs, i)) < 0))
            Py_CLEAR(out);
    }
    return out;
}

/* sorted_numbers(numbers, depth): sort_ints over a list of ints (for the tests; depth -1:
 * sort_ints' own limit, 0: heapsort at once). */
static PyObject *sorted_numbers(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *numbers;
    int depth;
    if (!PyArg_ParseTuple(args, "O!i:sorted_numbers", &PyList_Type, &numbers, &depth))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(numbers);
    int64_t *a = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    if (a == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        long long v = PyLong_AsLongLong(PyList_GET_ITEM(numbers, i));
        if (v == -1 && PyErr_Occurred()) {
            PyMem_Free(a);
            return NULL;
        }
        a[i] = v;
    }
    if (depth < 0)
        sort_ints(a, n);
    else
        sort_ints_run(a, n, depth);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *v = PyLong_FromLongLong(a[i]);
        if (v == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, i, v);
    }
    PyMem_Free(a);
    return out;
}

static PyObject *loaded(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromSsize_t(loaded_batches);
}

static PyMethodDef methods[] = {
    {"loaded_batches", loaded, METH_NOARGS,
     "How many batches gather_spill read through marshal.loads (for the tests)."},
    {"gather", gather, METH_VARARGS, "index._gather in C."},
    {"gather_spill", gather_spill, METH_VARARGS,
     "index._gather of the spill's batches given as their marshal bytes, in C."},
    {"fresh_postings", fresh_postings, METH_VARARGS, "index._fresh_postings' loop in C."},
    {"fresh_forms", fresh_forms, METH_VARARGS, "index._fresh_forms' loop in C."},
    {"fresh_round", fresh_round, METH_VARARGS,
     "a cold round of index._write_shards (gather_spill, fresh_postings, fresh_forms) in C."},
    {"numbers_text", numbers_text, METH_O, "digits.numbers_text in C."},
    {"level_docs", summary_level_docs, METH_VARARGS,
     "index._level_docs of a long term's two fields, in C."},
    {"gaps_text", gaps_text, METH_O,
     "digits.numbers_text of index.delta_encode of ascending numbers, in C."},
    {"lehmer_code", lehmer_code, METH_O,
     "index.rank_code's bytes (before base64) in C; None: not a permutation."},
    {"sorted_numbers", sorted_numbers, METH_VARARGS,
     "the numbers sorted as fresh_postings sorts them (for the tests)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_cshards", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__cshards(void) {
    int k = 0;
    for (int c = 33; c < 127; c++)
        if (c != '"' && c != '\\' && c != ',' && c != ';' && c != '=')
            ALPHABET[k++] = (char)c;
    ALPHABET[k] = 0;
    LEADS = k - BASE;
    PyObject *m = native_module(&module);
    if (m == NULL)
        return NULL;
    PyObject *names = PyTuple_New(NFIELDS), *ref = PyDict_New();
    if (names == NULL || ref == NULL)
        goto fail;
    for (int f = 0; f < NFIELDS; f++) {
        PyObject *s = PyUnicode_FromString(FIELD_NAMES[f]);
        if (s == NULL)
            goto fail;
        PyTuple_SET_ITEM(names, f, s);
        if (REF[f] >= 0) {
            PyObject *a = PyLong_FromLong(f), *b = PyLong_FromLong(REF[f]);
            int bad = a == NULL || b == NULL || PyDict_SetItem(ref, a, b) < 0;
            Py_XDECREF(a);
            Py_XDECREF(b);
            if (bad)
                goto fail;
        }
    }
    /* the constants compiled in, which tests compare with archive.browser.index's */
    if (PyModule_AddObject(m, "FIELDS", names) < 0)
        goto fail;
    names = NULL;
    if (PyModule_AddObject(m, "REF", ref) < 0)
        goto fail;
    ref = NULL;
    if (PyModule_AddStringConstant(m, "ALPHABET", ALPHABET) < 0)
        goto fail;
    return m;
fail:
    Py_XDECREF(names);
    Py_XDECREF(ref);
    Py_DECREF(m);
    return NULL;
}
