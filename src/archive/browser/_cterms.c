/* archive.browser._cterms: the per-article half of the browser writer in C.
 *
 * An article's term groups are made once per article and term: in Python each posting and
 * form was a list or tuple, a hash lookup and a marshal call per group. Here one call per
 * article (field_groups) hashes its terms and writes every group's marshal bytes (version 2)
 * and checksums straight from its fields and forms, without a Python object per posting;
 * the fields themselves are made with a few calls per field (entry_cells, picked, lowered,
 * merged).
 *
 * Every function has a pure-Python twin that stays the reference (tests/test_native_terms.py
 * compares them byte for byte):
 *   term_hash(term)                        archive.browser.index.term_hash_py
 *   term_groups(postings, forms[, hash])   archive.browser.index._term_groups_py
 *   field_groups(fields, forms[, hash…])   archive.browser.index._field_groups (module hidden)
 *   crc32(data)                            zlib.crc32
 *   cells(lists)                           archive.browser.articleterms.cells_py
 *   entry_cells(body, at)                  archive.browser.articleterms.entry_cells_py
 *   merged(terms, texts)                   archive.browser.articleterms._merged_py
 *   add_field(postings, f, terms, texts)   archive.browser.articleterms.add_field_py
 *   picked(column, entries)                list(map(column.__getitem__, entries))
 *   lowered(terms)                         archive.browser.articleterms._lowered_py
 *   add_firsts(first, entries, …)          archive.browser.articleterms._add_firsts_py
 *   spill_new, spill_add, spill_groups,     archive.browser.index._Spill (module hidden:
 *   spill_take, spill_size                  its bytearrays, _spilled and add_bytes)
 *
 * Nothing here depends on addresses or on Python's string hashes (PYTHONHASHSEED): groups
 * and terms are found by their FNV-1a hashes, in the order the lists and dicts give.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "native.h"
#include <marshal.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>

/* ---- FNV-1a over UTF-16 code units ---------------------------------------------------- */

#define FNV_START 0x811C9DC5u
#define FNV_PRIME 0x01000193u

/* term_hash of ``term`` into *out; -1 with an exception set on failure. A character beyond
 * the BMP is its surrogate pair, as JavaScript sees the string. A string with such a
 * character and a lone surrogate cannot be encoded as UTF-16: the twin's encode raises, and
 * so does this (through the same codec, for the same exception). */
static int
fnv_utf16(PyObject *term, uint32_t *out)
{
    if (!PyUnicode_Check(term)) {
        PyErr_Format(PyExc_TypeError, "a term must be str, not %.100s", Py_TYPE(term)->tp_name);
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(term);
    int kind = PyUnicode_KIND(term);
    const void *data = PyUnicode_DATA(term);
    uint32_t h = FNV_START;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *s = data;
        for (Py_ssize_t i = 0; i < n; i++)
            h = (h ^ s[i]) * FNV_PRIME;
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *s = data;
        for (Py_ssize_t i = 0; i < n; i++)
            h = (h ^ s[i]) * FNV_PRIME;
    }
    else {
        const Py_UCS4 *s = data;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = s[i];
            if (c > 0xFFFF) {
                c -= 0x10000;
                h = (h ^ (0xD800 + (c >> 10))) * FNV_PRIME;
                h = (h ^ (0xDC00 + (c & 0x3FF))) * FNV_PRIME;
            }
            else if (c >= 0xD800 && c <= 0xDFFF) {
                PyObject *raised = PyUnicode_AsEncodedString(term, "utf-16-le", NULL);
                if (raised == NULL)
                    return -1;
                Py_DECREF(raised);  /* not expected: the codec accepted it */
                PyErr_SetString(PyExc_UnicodeError, "a lone surrogate beside an astral character");
                return -1;
            }
            else
                h = (h ^ c) * FNV_PRIME;
        }
    }
    *out = h;
    return 0;
}

static PyObject *
term_hash(PyObject *Py_UNUSED(self), PyObject *term)
{
    uint32_t h;
    if (fnv_utf16(term, &h) < 0)
        return NULL;
    return PyLong_FromUnsignedLong(h);
}

/* ---- marshal version 2, written directly ---------------------------------------------- */
/* Version 2 has no back references (FLAG_REF, version 3) and no short forms (version 4):
 * a value's bytes do not depend on what was written before it, so a group is written piece
 * by piece and anything this writer does not know is handed to marshal itself. */

static inline void
put_u32(char *p, uint32_t v)
{
    p[0] = (char)(v & 0xFF);
    p[1] = (char)((v >> 8) & 0xFF);
    p[2] = (char)((v >> 16) & 0xFF);
    p[3] = (char)((v >> 24) & 0xFF);
}

/* A type code and a 32-bit count or value (marshal's w_long: little-endian). */
static inline int
w_head(Buf *b, char code, uint32_t v)
{
    if (buf_reserve(b, 5) < 0)
        return -1;
    b->p[b->len] = code;
    put_u32(b->p + b->len + 1, v);
    b->len += 5;
    return 0;
}

static inline int
w_byte(Buf *b, char code)
{
    if (buf_reserve(b, 1) < 0)
        return -1;
    b->p[b->len++] = code;
    return 0;
}

/* marshal.dumps(v, 2) appended: for the values this writer does not spell itself. */
static int
w_marshal(Buf *b, PyObject *v)
{
    PyObject *bytes = PyMarshal_WriteObjectToString(v, 2);
    if (bytes == NULL)
        return -1;
    Py_ssize_t n = PyBytes_GET_SIZE(bytes);
    if (buf_reserve(b, n) < 0) {
        Py_DECREF(bytes);
        return -1;
    }
    memcpy(b->p + b->len, PyBytes_AS_STRING(bytes), n);
    b->len += n;
    Py_DECREF(bytes);
    return 0;
}

/* An int: TYPE_INT when it fits 32 bits signed, else TYPE_LONG, its magnitude in 15-bit
 * digits, fewest first (marshal's w_PyLong gives the same digits for any digit size of
 * the int object); beyond 64 bits, marshal itself. */
static int
w_int(Buf *b, PyObject *v)
{
    int overflow;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred())
        return -1;
    if (overflow)
        return w_marshal(b, v);
    if (x >= INT32_MIN && x <= INT32_MAX)
        return w_head(b, 'i', (uint32_t)(int32_t)x);
    unsigned long long m = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
    int digits = 0;
    for (unsigned long long t = m; t; t >>= 15)
        digits++;
    if (w_head(b, 'l', (uint32_t)(x < 0 ? -digits : digits)) < 0 || buf_reserve(b, 2 * digits) < 0)
        return -1;
    for (; m; m >>= 15) {
        b->p[b->len++] = (char)(m & 0xFF);
        b->p[b->len++] = (char)((m >> 8) & 0x7F);
    }
    return 0;
}

/* A str: TYPE_UNICODE, its UTF-8 length and bytes ("surrogatepass": a lone surrogate is
 * three bytes like any other character of its range), encoded here from the string's own
 * characters (no UTF-8 copy kept on the string). */
static int
w_str(Buf *b, PyObject *v)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    int kind = PyUnicode_KIND(v);
    const void *data = PyUnicode_DATA(v);
    if (PyUnicode_IS_ASCII(v)) {
        if (n > INT32_MAX)
            return w_marshal(b, v);
        if (w_head(b, 'u', (uint32_t)n) < 0 || buf_reserve(b, n) < 0)
            return -1;
        memcpy(b->p + b->len, data, n);
        b->len += n;
        return 0;
    }
    if (kind == PyUnicode_2BYTE_KIND && n <= (INT32_MAX - 5) / 3) {
        /* (the usual term: Arabic) one pass, room made for three bytes a character and the
         * length put in the head afterwards; a surrogate is three bytes as below */
        if (buf_reserve(b, 5 + 3 * n) < 0)
            return -1;
        const Py_UCS2 *u = data;
        unsigned char *start = (unsigned char *)b->p + b->len + 5, *p = start;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS2 c = u[i];
            if (c < 0x80)
                *p++ = (unsigned char)c;
            else if (c < 0x800) {
                p[0] = (unsigned char)(0xC0 | (c >> 6));
                p[1] = (unsigned char)(0x80 | (c & 0x3F));
                p += 2;
            }
            else {
                p[0] = (unsigned char)(0xE0 | (c >> 12));
                p[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                p[2] = (unsigned char)(0x80 | (c & 0x3F));
                p += 3;
            }
        }
        b->p[b->len] = 'u';
        put_u32(b->p + b->len + 1, (uint32_t)(p - start));
        b->len += 5 + (p - start);
        return 0;
    }
    Py_ssize_t size = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        size += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    if (size > INT32_MAX)
        return w_marshal(b, v);
    if (w_head(b, 'u', (uint32_t)size) < 0 || buf_reserve(b, size) < 0)
        return -1;
    unsigned char *p = (unsigned char *)b->p + b->len;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80)
            *p++ = (unsigned char)c;
        else if (c < 0x800) {
            *p++ = (unsigned char)(0xC0 | (c >> 6));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        }
        else if (c < 0x10000) {
            *p++ = (unsigned char)(0xE0 | (c >> 12));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        }
        else {
            *p++ = (unsigned char)(0xF0 | (c >> 18));
            *p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    b->len += size;
    return 0;
}

/* Any value: None, bools, ints, str, tuples and lists of them spelled here (what a group
 * holds), anything else (or deeper than a group goes) by marshal. */
static int
w_obj(Buf *b, PyObject *v, int depth)
{
    if (v == Py_None)
        return w_byte(b, 'N');
    if (v == Py_True)
        return w_byte(b, 'T');
    if (v == Py_False)
        return w_byte(b, 'F');
    if (PyUnicode_CheckExact(v))
        return w_str(b, v);
    if (PyLong_CheckExact(v))
        return w_int(b, v);
    if (depth < 16 && (PyList_CheckExact(v) || PyTuple_CheckExact(v))) {
        int list = PyList_CheckExact(v);
        Py_ssize_t n = list ? PyList_GET_SIZE(v) : PyTuple_GET_SIZE(v);
        if (n > INT32_MAX)
            return w_marshal(b, v);
        if (w_head(b, list ? '[' : '(', (uint32_t)n) < 0)
            return -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            /* a list is read again at each step: nothing here runs Python code, but the
             * item is held while it is written all the same */
            if (list && i >= PyList_GET_SIZE(v)) {
                PyErr_SetString(PyExc_RuntimeError, "list changed size during marshal");
                return -1;
            }
            PyObject *item = list ? PyList_GET_ITEM(v, i) : PyTuple_GET_ITEM(v, i);
            Py_INCREF(item);
            int r = w_obj(b, item, depth + 1);
            Py_DECREF(item);
            if (r < 0)
                return -1;
        }
        return 0;
    }
    return w_marshal(b, v);
}

/* ---- term groups ------------------------------------------------------------------------ */

/* One posting term: its hash, and either its postings list (term_groups: a value written as
 * it is) or its (field, cell) pairs (field_groups: written as the list [f, cell, …] that
 * articleterms.add_field_py would have made). */
/* The objects a group is written from are held (owned references) while the groups are
 * made: a comparison or a test's hash function may run Python code that changes the
 * dicts and lists they came from. */
typedef struct {
    PyObject *term, *value;  /* owned; value NULL for a field_groups term */
    uint32_t hash, key;      /* the group's hash; FNV-1a (the term table's own) */
    Py_ssize_t first_pair, last_pair, pairs;
    Py_ssize_t next;         /* the next posting term of its group */
} Post;

typedef struct {
    PyObject *f, *cell;  /* owned */
    Py_ssize_t next;
} Pair;

typedef struct {
    uint32_t hash;
    Py_ssize_t first_post, last_post;  /* posting terms of the group, -1 for none */
    Py_ssize_t first_form, last_form;  /* forms of the group */
    Py_ssize_t posts, forms;
} Group;

typedef struct {
    PyObject *key, *value;  /* owned: the forms dict's (level, term, normalized) and spelling */
    PyObject *level, *term, *norm, *spelling;  /* the key's and value; term NULL: the short
                                                * form, spelling NULL: None */
    Py_ssize_t next;
} Form;

/* Open addressing on a 32-bit hash: index + 1, 0 empty (32 bits: the table is zeroed per
 * article, and half the size zeroes in half the time). */
typedef struct {
    uint32_t *slots;
    size_t mask;
} Table;

static int
table_init(Table *t, Py_ssize_t items)
{
    if ((size_t)items >= 0x7FFFFFFFu) {
        PyErr_NoMemory();
        return -1;
    }
    size_t cap = 8;
    while (cap < 2 * (size_t)items + 2)
        cap *= 2;
    t->mask = cap - 1;
    t->slots = PyMem_Calloc(cap, sizeof(uint32_t));
    if (t->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static inline size_t
table_start(const Table *t, uint32_t h)
{
    return (size_t)(h * 0x9E3779B1u) & t->mask;
}

/* The group of hash h, or -1. */
static Py_ssize_t
group_find(const Table *t, const Group *groups, uint32_t h)
{
    for (size_t i = table_start(t, h); t->slots[i]; i = (i + 1) & t->mask)
        if (groups[t->slots[i] - 1].hash == h)
            return t->slots[i] - 1;
    return -1;
}

static Py_ssize_t
group_add(Table *t, Group *groups, Py_ssize_t *count, uint32_t h)
{
    size_t i = table_start(t, h);
    while (t->slots[i])
        i = (i + 1) & t->mask;
    Py_ssize_t g = (*count)++;
    t->slots[i] = (uint32_t)(g + 1);
    Group *grp = &groups[g];
    grp->hash = h;
    grp->first_post = grp->last_post = grp->first_form = grp->last_form = -1;
    grp->posts = grp->forms = 0;
    return g;
}

/* The hash of ``term``: FNV-1a, or ``hash_fn(term)`` (a test's weak hash) when given. */
static int
hash_term(PyObject *hash_fn, PyObject *term, uint32_t *out)
{
    if (hash_fn == NULL)
        return fnv_utf16(term, out);
    PyObject *r = PyObject_CallOneArg(hash_fn, term);
    if (r == NULL)
        return -1;
    unsigned long long v = PyLong_AsUnsignedLongLong(r);
    Py_DECREF(r);
    if (v == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    if (v > 0xFFFFFFFFULL) {
        PyErr_SetString(PyExc_ValueError, "a term hash must hold in 32 bits");
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* CRC-32 (zlib.crc32's: reflected, polynomial 0xEDB88320), eight bytes a step. */
static uint32_t crc_table[8][256];

static void
init_crc(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
}

static uint32_t
crc32_of(const unsigned char *p, Py_ssize_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n >= 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
                           | (uint32_t)p[3] << 24);
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF]
            ^ crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24]
            ^ crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static PyObject *
crc32(PyObject *Py_UNUSED(self), PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    uint32_t c = crc32_of(view.buf, view.len);
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLong(c);
}

/* ---- the spill's buffers (index._Spill) ------------------------------------------------ */

/* Per bucket, the records gathered since its last batch was written: in Python a record was
 * joined from the article's groups (a copy), appended to the bucket's bytearray (another, and
 * the bytearray's growth by an eighth at a time copied it again and again) and joined once
 * more with the batch's head when written; the dict of buckets and the two calls per record
 * cost the interpreter about as much. Here each group's bytes are copied once, into its
 * bucket's buffer (kept for the next batch), and once more into the batch's bytes. The
 * batches' bytes are the twin's (index._Spill with the module hidden). */
typedef struct {
    Py_ssize_t n, flush;  /* buckets; a buffer this long is written (spill_groups says which) */
    Buf *bufs;            /* per bucket: its records */
    long long *counts, *sizes;  /* per bucket: records held; bytes spilled (4 + len a record) */
    Py_ssize_t *first, *last;  /* spill_groups: per bucket its first and last group (-1) */
    Py_ssize_t *next;     /* per group its bucket's next group, then the buckets in order */
    Py_ssize_t room;      /* groups next has room for (2 * room items) */
} Spill;

#define SPILL_CAPSULE "archive.browser._cterms.Spill"

static void
spill_free(PyObject *capsule)
{
    Spill *s = PyCapsule_GetPointer(capsule, SPILL_CAPSULE);
    if (s == NULL)
        return;
    if (s->bufs != NULL)
        for (Py_ssize_t b = 0; b < s->n; b++)
            PyMem_Free(s->bufs[b].p);
    PyMem_Free(s->bufs);
    PyMem_Free(s->counts);
    PyMem_Free(s->sizes);
    PyMem_Free(s->first);
    PyMem_Free(s->last);
    PyMem_Free(s->next);
    PyMem_Free(s);
}

/* spill_new(buckets, flush): the buffers of a spill of ``buckets`` buckets. */
static PyObject *
spill_new(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_ssize_t n, flush;
    if (!PyArg_ParseTuple(args, "nn:spill_new", &n, &flush))
        return NULL;
    if (n <= 0 || n > (1 << 24) || flush <= 0) {
        PyErr_SetString(PyExc_ValueError, "spill_new: buckets and flush must be positive");
        return NULL;
    }
    Spill *s = PyMem_Calloc(1, sizeof(Spill));
    if (s == NULL)
        return PyErr_NoMemory();
    s->n = n;
    s->flush = flush;
    s->bufs = PyMem_Calloc((size_t)n, sizeof(Buf));
    s->counts = PyMem_Calloc((size_t)n, sizeof(long long));
    s->sizes = PyMem_Calloc((size_t)n, sizeof(long long));
    s->first = PyMem_Malloc((size_t)n * sizeof(Py_ssize_t));
    s->last = PyMem_Malloc((size_t)n * sizeof(Py_ssize_t));
    PyObject *capsule = NULL;
    if (s->bufs == NULL || s->counts == NULL || s->sizes == NULL || s->first == NULL
        || s->last == NULL)
        PyErr_NoMemory();
    else
        capsule = PyCapsule_New(s, SPILL_CAPSULE, spill_free);
    if (capsule == NULL) {
        PyMem_Free(s->bufs);
        PyMem_Free(s->counts);
        PyMem_Free(s->sizes);
        PyMem_Free(s->first);
        PyMem_Free(s->last);
        PyMem_Free(s);
        return NULL;
    }
    for (Py_ssize_t b = 0; b < n; b++)
        s->first[b] = -1;
    return capsule;
}

/* The capsule's Spill and a bucket of it (NULL and an exception: not one). */
static Spill *
spill_of(PyObject *capsule, Py_ssize_t bucket)
{
    Spill *s = PyCapsule_GetPointer(capsule, SPILL_CAPSULE);
    if (s != NULL && (bucket < 0 || bucket >= s->n)) {
        PyErr_Format(PyExc_IndexError, "spill bucket %zd out of range", bucket);
        return NULL;
    }
    return s;
}

/* The spill and bucket of a call's (capsule, bucket) arguments. */
static Spill *
spill_args(PyObject *args, const char *format, Py_ssize_t *bucket)
{
    PyObject *capsule;
    if (!PyArg_ParseTuple(args, format, &capsule, bucket))
        return NULL;
    return spill_of(capsule, *bucket);
}

/* spill_add(spill, bucket, data): the record ``data`` (its marshal bytes) added to the
 * bucket; True when its buffer is now to be written (index._Spill.add_bytes). */
static PyObject *
spill_add(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *capsule;
    Py_ssize_t bucket;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "Ony*:spill_add", &capsule, &bucket, &view))
        return NULL;
    Spill *s = spill_of(capsule, bucket);
    int r = s == NULL ? -1 : buf_put(&s->bufs[bucket], view.buf, view.len);
    Py_ssize_t len = view.len;
    PyBuffer_Release(&view);
    if (r < 0)
        return NULL;
    s->counts[bucket]++;
    s->sizes[bucket] += 4 + len;
    return PyBool_FromLong(s->bufs[bucket].len >= s->flush);
}

/* The record (seq, [group, …]) of each bucket an article's groups go to (group g: bucket[g],
 * its bytes ptr[g][0, len[g])), its groups in their order, as index._write_browser_index
 * joined them (_spilled); the buckets whose buffers are now to be written appended to
 * ``full``, in the order the buckets first come. */
static int
spill_put(Spill *s, PyObject *seq, Py_ssize_t n, const Py_ssize_t *bucket,
          const char *const *ptr, const Py_ssize_t *len, PyObject *full)
{
    if (n > s->room) {
        /* next: a group's next in its bucket; then the buckets in the order they come */
        Py_ssize_t room = s->room;
        Py_ssize_t *next = native_grown(s->next, &room, n, 2 * sizeof(Py_ssize_t), 1024);
        if (next == NULL)
            return -1;
        s->next = next;
        s->room = room;
    }
    Py_ssize_t *next = s->next, *order = s->next + s->room;
    /* the record's head: marshal's "(seq, [" (the seq's bytes made once for every bucket) */
    Buf head = {NULL, 0, 0};
    if (w_head(&head, '(', 2) < 0 || w_int(&head, seq) < 0) {
        PyMem_Free(head.p);
        return -1;
    }
    int r = 0;
    Py_ssize_t norder = 0;
    for (Py_ssize_t g = 0; g < n; g++) {
        Py_ssize_t b = bucket[g];
        next[g] = -1;
        if (s->first[b] < 0) {
            s->first[b] = g;
            order[norder++] = b;
        }
        else
            next[s->last[b]] = g;
        s->last[b] = g;
    }
    for (Py_ssize_t i = 0; r == 0 && i < norder; i++) {
        Py_ssize_t b = order[i], count = 0, size = head.len + 5;
        for (Py_ssize_t g = s->first[b]; g >= 0; g = next[g]) {
            count++;
            size += len[g];
        }
        Buf *buf = &s->bufs[b];
        if (count > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "spill: too many groups");
            r = -1;
            break;
        }
        if (buf->cap == 0) {
            /* room for a batch and a quarter at once: doubled only by a record larger than
             * that (doubling from 4 KB held up to twice a batch, more than the twin's
             * bytearrays: a buffer per bucket while the articles are read) */
            Py_ssize_t room = s->flush + s->flush / 4 > size ? s->flush + s->flush / 4 : size;
            if ((buf->p = PyMem_Malloc((size_t)room)) == NULL) {
                PyErr_NoMemory();
                r = -1;
                break;
            }
            buf->cap = room;
        }
        if (buf_reserve(buf, size) < 0) {
            r = -1;
            break;
        }
        char *p = buf->p + buf->len;
        memcpy(p, head.p, (size_t)head.len);
        p += head.len;
        *p = '[';
        put_u32(p + 1, (uint32_t)count);
        p += 5;
        for (Py_ssize_t g = s->first[b]; g >= 0; g = next[g]) {
            if (len[g])
                memcpy(p, ptr[g], (size_t)len[g]);
            p += len[g];
        }
        buf->len += size;
        s->counts[b]++;
        s->sizes[b] += 4 + size;
        if (buf->len >= s->flush) {
            PyObject *bv = PyLong_FromSsize_t(b);
            r = bv == NULL ? -1 : PyList_Append(full, bv);
            Py_XDECREF(bv);
        }
    }
    for (Py_ssize_t i = 0; i < norder; i++)  /* (the lists emptied for the next article) */
        s->first[order[i]] = -1;
    PyMem_Free(head.p);
    return r;
}

/* The arrays spill_put reads, for n groups (freed by spill_arrays_free). */
typedef struct {
    Py_ssize_t *bucket, *len;
    const char **ptr;
} SpillArrays;

static int
spill_arrays(SpillArrays *a, Py_ssize_t n)
{
    size_t m = (size_t)(n ? n : 1);
    a->bucket = PyMem_Malloc(m * sizeof(Py_ssize_t));
    a->len = PyMem_Malloc(m * sizeof(Py_ssize_t));
    a->ptr = PyMem_Malloc(m * sizeof(const char *));
    if (a->bucket == NULL || a->len == NULL || a->ptr == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void
spill_arrays_free(SpillArrays *a)
{
    PyMem_Free(a->bucket);
    PyMem_Free(a->len);
    PyMem_Free((void *)a->ptr);
}

/* The bucket of a hash (an exception: beyond the spill's buckets). */
static int
spill_bucket(const Spill *s, unsigned long long hash, unsigned long long mask, Py_ssize_t *out)
{
    if ((hash & mask) >= (unsigned long long)s->n) {
        PyErr_Format(PyExc_IndexError, "spill bucket %llu out of range", hash & mask);
        return -1;
    }
    *out = (Py_ssize_t)(hash & mask);
    return 0;
}

/* spill_groups(spill, seq, hashes, groups, mask): an article's groups (their marshal bytes)
 * added (spill_put, bucket hash & mask); the buckets whose buffers are now to be written
 * (index._Spill.add_groups). */
static PyObject *
spill_groups(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *capsule, *seq, *hashes, *groups;
    unsigned long long mask;
    if (!PyArg_ParseTuple(args, "OOO!O!K:spill_groups", &capsule, &seq, &PyList_Type, &hashes,
                          &PyList_Type, &groups, &mask))
        return NULL;
    Spill *s = spill_of(capsule, 0);
    if (s == NULL)
        return NULL;
    if (!PyLong_CheckExact(seq)) {
        PyErr_SetString(PyExc_TypeError, "spill_groups: seq must be an int");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(hashes);
    if (PyList_GET_SIZE(groups) != n) {
        PyErr_SetString(PyExc_ValueError, "zip() arguments differ in length");
        return NULL;
    }
    SpillArrays a = {NULL, NULL, NULL};
    PyObject *full = NULL;
    if (spill_arrays(&a, n) < 0)
        goto done;
    /* (nothing here runs Python code: the lists stay as they are) */
    for (Py_ssize_t g = 0; g < n; g++) {
        PyObject *hv = PyList_GET_ITEM(hashes, g), *data = PyList_GET_ITEM(groups, g);
        if (!PyLong_Check(hv) || !PyBytes_Check(data)) {
            PyErr_SetString(PyExc_TypeError, "spill_groups: hashes must be int, groups bytes");
            goto done;
        }
        unsigned long long hash = PyLong_AsUnsignedLongLongMask(hv);
        if ((hash == (unsigned long long)-1 && PyErr_Occurred())
            || spill_bucket(s, hash, mask, &a.bucket[g]) < 0)
            goto done;
        a.ptr[g] = PyBytes_AS_STRING(data);
        a.len[g] = PyBytes_GET_SIZE(data);
    }
    if ((full = PyList_New(0)) != NULL && spill_put(s, seq, n, a.bucket, a.ptr, a.len, full) < 0)
        Py_CLEAR(full);
done:
    spill_arrays_free(&a);
    return full;
}

/* spill_take(spill, bucket): the bucket's batch as written to its file, the marshal bytes
 * of the list of its records with their length (4 bytes little-endian) before them (index.
 * _Spill._flush), its buffer emptied; None when it holds no record. */
static PyObject *
spill_take(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_ssize_t bucket;
    Spill *s = spill_args(args, "On:spill_take", &bucket);
    if (s == NULL)
        return NULL;
    if (s->counts[bucket] == 0)
        Py_RETURN_NONE;
    Buf *buf = &s->bufs[bucket];
    if (buf->len > (Py_ssize_t)UINT32_MAX - 5 || s->counts[bucket] > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "spill_take: a batch past 4 GB");
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, buf->len + 9);
    if (out == NULL)
        return NULL;
    char *p = PyBytes_AS_STRING(out);
    put_u32(p, (uint32_t)(buf->len + 5));
    p[4] = '[';
    put_u32(p + 5, (uint32_t)s->counts[bucket]);
    memcpy(p + 9, buf->p, (size_t)buf->len);
    buf->len = 0;
    s->counts[bucket] = 0;
    return out;
}

/* spill_size(spill, bucket): the bytes spilled to the bucket, 4 + len a record. */
static PyObject *
spill_size(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_ssize_t bucket;
    Spill *s = spill_args(args, "On:spill_size", &bucket);
    return s == NULL ? NULL : PyLong_FromLongLong(s->sizes[bucket]);
}

/* Everything one article's groups are made of; freed by groups_free. */
typedef struct {
    Post *posts;
    Py_ssize_t nposts;
    Pair *pairs;
    Py_ssize_t npairs;
    Form *forms;
    Py_ssize_t nforms;
    Py_ssize_t *rest;
    Group *groups;
    Py_ssize_t ngroups;
    Table by_hash;
    Py_ssize_t *ends;
    Buf b;
} Groups;

static void
groups_free(Groups *s)
{
    for (Py_ssize_t i = 0; s->posts != NULL && i < s->nposts; i++) {
        Py_XDECREF(s->posts[i].term);
        Py_XDECREF(s->posts[i].value);
    }
    for (Py_ssize_t i = 0; s->pairs != NULL && i < s->npairs; i++) {
        Py_XDECREF(s->pairs[i].f);
        Py_XDECREF(s->pairs[i].cell);
    }
    for (Py_ssize_t i = 0; s->forms != NULL && i < s->nforms; i++) {
        Py_XDECREF(s->forms[i].key);
        Py_XDECREF(s->forms[i].value);
    }
    PyMem_Free(s->posts);
    PyMem_Free(s->pairs);
    PyMem_Free(s->forms);
    PyMem_Free(s->rest);
    PyMem_Free(s->groups);
    PyMem_Free(s->by_hash.slots);
    PyMem_Free(s->ends);
    PyMem_Free(s->b.p);
}

static void
post_to_group(Groups *s, Py_ssize_t i)
{
    Post *p = &s->posts[i];
    Py_ssize_t g = group_find(&s->by_hash, s->groups, p->hash);
    if (g < 0)
        g = group_add(&s->by_hash, s->groups, &s->ngroups, p->hash);
    Group *grp = &s->groups[g];
    p->next = -1;
    if (grp->last_post < 0)
        grp->first_post = i;
    else
        s->posts[grp->last_post].next = i;
    grp->last_post = i;
    grp->posts++;
}

static void
form_append(Groups *s, Py_ssize_t g, Py_ssize_t k)
{
    Group *grp = &s->groups[g];
    s->forms[k].next = -1;
    if (grp->last_form < 0)
        grp->first_form = k;
    else
        s->forms[grp->last_form].next = k;
    grp->last_form = k;
    grp->forms++;
}

/* The groups of s->posts (grouped already: post_to_group) and of the forms, then their
 * bytes: index._term_groups_py's groups in its order. With ``digests``, the result's third
 * item is the bytes of array("I", hashes) and the groups' CRC-32s (_Record.digests). */
/* The groups' bytes, and with ``digests`` the digests' bytes: (hashes, groups[, digests]);
 * with ``spill``, the groups spilled instead (spill_put: no bytes object per group) and
 * (digests, the buckets to write) returned. */
static PyObject *
groups_made(Groups *s, PyObject *forms_dict, PyObject *hash_fn, int digests, Spill *spill,
            PyObject *seq, unsigned long long mask)
{
    Py_ssize_t m = PyDict_GET_SIZE(forms_dict);
    PyObject *result = NULL, *hash_list = NULL, *group_list = NULL, *digest_bytes = NULL;
    s->forms = PyMem_Malloc((m + 1) * sizeof(Form));
    s->rest = PyMem_Malloc((m + 1) * sizeof(Py_ssize_t));
    if (s->forms == NULL || s->rest == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    int distinct = s->ngroups == s->nposts;
    /* a posting term's own forms go to its group without their term (when no two posting
     * terms share a hash: the usual case), the others after them, with it */
    Py_ssize_t pos = 0, rests = 0, k = 0;
    PyObject *key, *value;
    while (PyDict_Next(forms_dict, &pos, &key, &value)) {
        if (k >= m) {
            PyErr_SetString(PyExc_RuntimeError, "dict changed size during iteration");
            return NULL;
        }
        if (!PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 3) {
            PyErr_SetString(PyExc_ValueError, "a forms key must be (level, term, normalized)");
            return NULL;
        }
        Form *f = &s->forms[k];
        Py_INCREF(key);
        Py_INCREF(value);
        f->key = key;
        f->value = value;
        s->nforms = k + 1;
        f->level = PyTuple_GET_ITEM(key, 0);
        f->term = PyTuple_GET_ITEM(key, 1);
        f->norm = PyTuple_GET_ITEM(key, 2);
        int same = PyObject_RichCompareBool(value, f->norm, Py_EQ);
        if (same < 0)
            return NULL;
        f->spelling = same ? NULL : value;
        Py_ssize_t g = -1;
        if (distinct) {
            uint32_t h;
            if (hash_term(hash_fn, f->term, &h) < 0)
                return NULL;
            g = group_find(&s->by_hash, s->groups, h);
            if (g >= 0) {
                int eq = PyObject_RichCompareBool(s->posts[s->groups[g].first_post].term,
                                                  f->term, Py_EQ);
                if (eq < 0)
                    return NULL;
                if (!eq)
                    g = -1;
            }
        }
        if (g >= 0) {
            f->term = NULL;
            form_append(s, g, k);
        }
        else
            s->rest[rests++] = k;
        k++;
    }
    if (k != m || PyDict_GET_SIZE(forms_dict) != m) {
        PyErr_SetString(PyExc_RuntimeError, "dict changed size during iteration");
        return NULL;
    }
    for (Py_ssize_t r = 0; r < rests; r++) {
        uint32_t h;
        if (hash_term(hash_fn, s->forms[s->rest[r]].term, &h) < 0)
            return NULL;
        Py_ssize_t g = group_find(&s->by_hash, s->groups, h);
        if (g < 0)
            g = group_add(&s->by_hash, s->groups, &s->ngroups, h);
        form_append(s, g, s->rest[r]);
    }
    /* every group's bytes into one buffer, then one bytes object per group (room made
     * for a usual article's at once: a few reallocations less) */
    Buf *b = &s->b;
    if (buf_reserve(b, 40 * (s->nposts + s->npairs + m) + 64) < 0)
        return NULL;
    s->ends = PyMem_Malloc((s->ngroups + 1) * sizeof(Py_ssize_t));
    if (s->ends == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t g = 0; g < s->ngroups; g++) {
        Group *grp = &s->groups[g];
        PyObject *hv = PyLong_FromUnsignedLong(grp->hash);
        if (hv == NULL)
            return NULL;
        int r = w_head(b, '(', 3) < 0 ? -1 : w_int(b, hv);
        Py_DECREF(hv);
        if (r < 0 || w_head(b, '[', (uint32_t)grp->posts) < 0)
            return NULL;
        for (Py_ssize_t i = grp->first_post; i >= 0; i = s->posts[i].next) {
            Post *p = &s->posts[i];
            if (w_head(b, '(', 2) < 0 || w_obj(b, p->term, 0) < 0)
                return NULL;
            if (p->value != NULL) {
                if (w_obj(b, p->value, 0) < 0)
                    return NULL;
                continue;
            }
            if (w_head(b, '[', (uint32_t)(2 * p->pairs)) < 0)
                return NULL;
            for (Py_ssize_t q = p->first_pair; q >= 0; q = s->pairs[q].next)
                if (w_obj(b, s->pairs[q].f, 0) < 0 || w_obj(b, s->pairs[q].cell, 0) < 0)
                    return NULL;
        }
        if (w_head(b, '[', (uint32_t)grp->forms) < 0)
            return NULL;
        for (Py_ssize_t f = grp->first_form; f >= 0; f = s->forms[f].next) {
            Form *fm = &s->forms[f];
            if (w_head(b, '(', fm->term == NULL ? 3 : 4) < 0 || w_obj(b, fm->level, 0) < 0
                || (fm->term != NULL && w_obj(b, fm->term, 0) < 0)
                || w_obj(b, fm->norm, 0) < 0
                || w_obj(b, fm->spelling == NULL ? Py_None : fm->spelling, 0) < 0)
                return NULL;
        }
        s->ends[g] = b->len;
    }
    if (spill != NULL) {
        SpillArrays a = {NULL, NULL, NULL};
        PyObject *full = NULL;
        if (spill_arrays(&a, s->ngroups) == 0)
            digest_bytes = PyBytes_FromStringAndSize(NULL, 2 * s->ngroups * sizeof(unsigned int));
        if (digest_bytes != NULL) {
            char *d = PyBytes_AS_STRING(digest_bytes);
            Py_ssize_t g = 0;
            for (; g < s->ngroups; g++) {
                Py_ssize_t start = g ? s->ends[g - 1] : 0;
                unsigned int h = s->groups[g].hash, c = crc32_of(
                    (const unsigned char *)b->p + start, s->ends[g] - start);
                memcpy(d + g * sizeof h, &h, sizeof h);
                memcpy(d + (s->ngroups + g) * sizeof c, &c, sizeof c);
                if (spill_bucket(spill, h, mask, &a.bucket[g]) < 0)
                    break;
                a.ptr[g] = b->p + start;
                a.len[g] = s->ends[g] - start;
            }
            if (g == s->ngroups && (full = PyList_New(0)) != NULL
                && spill_put(spill, seq, s->ngroups, a.bucket, a.ptr, a.len, full) < 0)
                Py_CLEAR(full);
        }
        if (full != NULL)
            result = PyTuple_Pack(2, digest_bytes, full);
        Py_XDECREF(full);
        spill_arrays_free(&a);
        goto done;
    }
    hash_list = PyList_New(s->ngroups);
    group_list = PyList_New(s->ngroups);
    if (digests)
        digest_bytes = PyBytes_FromStringAndSize(NULL, 2 * s->ngroups * sizeof(unsigned int));
    if (hash_list == NULL || group_list == NULL || (digests && digest_bytes == NULL))
        goto done;
    /* array("I") is of C unsigned ints, in the machine's order */
    char *d = digests ? PyBytes_AS_STRING(digest_bytes) : NULL;
    for (Py_ssize_t g = 0; g < s->ngroups; g++) {
        Py_ssize_t start = g ? s->ends[g - 1] : 0;
        PyObject *hv = PyLong_FromUnsignedLong(s->groups[g].hash);
        if (hv == NULL)
            goto done;
        PyList_SET_ITEM(hash_list, g, hv);
        PyObject *bytes = PyBytes_FromStringAndSize(b->p + start, s->ends[g] - start);
        if (bytes == NULL)
            goto done;
        PyList_SET_ITEM(group_list, g, bytes);
        if (d != NULL) {
            unsigned int h = s->groups[g].hash, c = crc32_of(
                (const unsigned char *)b->p + start, s->ends[g] - start);
            memcpy(d + g * sizeof h, &h, sizeof h);
            memcpy(d + (s->ngroups + g) * sizeof c, &c, sizeof c);
        }
    }
    result = digests ? PyTuple_Pack(3, hash_list, group_list, digest_bytes)
                     : PyTuple_Pack(2, hash_list, group_list);
done:
    Py_XDECREF(hash_list);
    Py_XDECREF(group_list);
    Py_XDECREF(digest_bytes);
    return result;
}

/* term_groups(postings, forms[, hash]): index._term_groups_py. */
static PyObject *
term_groups(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *postings, *forms_dict, *hash_fn = Py_None;
    if (!PyArg_ParseTuple(args, "O!O!|O:term_groups", &PyDict_Type, &postings, &PyDict_Type,
                          &forms_dict, &hash_fn))
        return NULL;
    if (hash_fn == Py_None)
        hash_fn = NULL;
    Py_ssize_t n = PyDict_GET_SIZE(postings), m = PyDict_GET_SIZE(forms_dict);
    Groups s;
    memset(&s, 0, sizeof s);
    PyObject *result = NULL;
    s.posts = PyMem_Malloc((n + 1) * sizeof(Post));
    s.groups = PyMem_Malloc((n + m + 1) * sizeof(Group));
    if (s.posts == NULL || s.groups == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (table_init(&s.by_hash, n + m) < 0)
        goto done;
    /* a test's hash function could change the dicts: their sizes are checked again */
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(postings, &pos, &key, &value)) {
        if (s.nposts >= n) {
            PyErr_SetString(PyExc_RuntimeError, "dict changed size during iteration");
            goto done;
        }
        Post *p = &s.posts[s.nposts++];
        Py_INCREF(key);
        Py_INCREF(value);
        p->term = key;
        p->value = value;
        if (hash_term(hash_fn, key, &p->hash) < 0)
            goto done;
        post_to_group(&s, s.nposts - 1);
    }
    if (s.nposts != n || PyDict_GET_SIZE(postings) != n) {
        PyErr_SetString(PyExc_RuntimeError, "dict changed size during iteration");
        goto done;
    }
    result = groups_made(&s, forms_dict, hash_fn, 0, NULL, NULL, 0);
done:
    groups_free(&s);
    return result;
}

/* Two str equal (exact str both: a field's terms). */
static int
same_str(PyObject *a, PyObject *b)
{
    if (a == b)
        return 1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    int kind = PyUnicode_KIND(a);
    return n == PyUnicode_GET_LENGTH(b) && kind == PyUnicode_KIND(b)
           && memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * kind) == 0;
}

/* field_groups(fields, forms[, hash]): the groups, as term_groups makes them, of the
 * postings that add_field_py would make of ``fields`` ((f, terms, cells) in order), and the
 * digests' bytes (_Record.digests): articleterms' fields and index._record's groups in one
 * call, no list per posting term nor the postings dict. field_groups(fields, forms, hash,
 * spill, seq, mask): the groups spilled as spill_groups spills them (no hash int or bytes
 * object made per group: ~300 an article); (the digests' bytes, the buckets to write). */
static PyObject *
field_groups(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *fields, *forms_dict, *hash_fn = Py_None, *capsule = Py_None, *seq = Py_None;
    unsigned long long mask = 0;
    if (!PyArg_ParseTuple(args, "O!O!|OOOK:field_groups", &PyList_Type, &fields, &PyDict_Type,
                          &forms_dict, &hash_fn, &capsule, &seq, &mask))
        return NULL;
    if (hash_fn == Py_None)
        hash_fn = NULL;
    Spill *spill = NULL;
    if (capsule != Py_None) {
        if ((spill = spill_of(capsule, 0)) == NULL)
            return NULL;
        if (!PyLong_CheckExact(seq)) {
            PyErr_SetString(PyExc_TypeError, "field_groups: seq must be an int");
            return NULL;
        }
    }
    Py_ssize_t nf = PyList_GET_SIZE(fields), total = 0;
    for (Py_ssize_t i = 0; i < nf; i++) {
        PyObject *item = PyList_GET_ITEM(fields, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3
            || !PyList_Check(PyTuple_GET_ITEM(item, 1)) || !PyList_Check(PyTuple_GET_ITEM(item, 2))) {
            PyErr_SetString(PyExc_TypeError, "a field must be (f, terms list, cells list)");
            return NULL;
        }
        Py_ssize_t terms = PyList_GET_SIZE(PyTuple_GET_ITEM(item, 1));
        if (PyList_GET_SIZE(PyTuple_GET_ITEM(item, 2)) != terms) {
            PyErr_SetString(PyExc_ValueError, "zip() arguments differ in length");
            return NULL;
        }
        total += terms;
    }
    Py_ssize_t m = PyDict_GET_SIZE(forms_dict);
    Groups s;
    memset(&s, 0, sizeof s);
    Table by_term = {NULL, 0};
    PyObject *result = NULL;
    s.posts = PyMem_Malloc((total + 1) * sizeof(Post));
    s.pairs = PyMem_Malloc((total + 1) * sizeof(Pair));
    if (s.posts == NULL || s.pairs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (table_init(&by_term, total) < 0)
        goto done;
    /* the distinct terms in order of first appearance, each with its (f, cell) pairs */
    for (Py_ssize_t i = 0; i < nf; i++) {
        PyObject *item = PyList_GET_ITEM(fields, i);
        PyObject *f = PyTuple_GET_ITEM(item, 0), *terms = PyTuple_GET_ITEM(item, 1),
                 *cells = PyTuple_GET_ITEM(item, 2);
        /* nothing runs Python code while the fields are read: a list read at k is k long */
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(terms) && k < PyList_GET_SIZE(cells); k++) {
            if (s.npairs >= total) {
                PyErr_SetString(PyExc_RuntimeError, "a field changed size");
                goto done;
            }
            PyObject *term = PyList_GET_ITEM(terms, k);
            if (!PyUnicode_CheckExact(term)) {
                PyErr_SetString(PyExc_TypeError, "field_groups: the terms must be str");
                goto done;
            }
            uint32_t key;
            if (fnv_utf16(term, &key) < 0)
                goto done;
            size_t at = table_start(&by_term, key);
            Py_ssize_t t = -1;
            for (; by_term.slots[at]; at = (at + 1) & by_term.mask) {
                Post *p = &s.posts[by_term.slots[at] - 1];
                if (p->key == key && same_str(p->term, term)) {
                    t = by_term.slots[at] - 1;
                    break;
                }
            }
            Py_ssize_t q = s.npairs++;
            s.pairs[q].f = Py_NewRef(f);
            s.pairs[q].cell = Py_NewRef(PyList_GET_ITEM(cells, k));
            s.pairs[q].next = -1;
            if (t < 0) {
                t = s.nposts++;
                by_term.slots[at] = (uint32_t)(t + 1);
                Post *p = &s.posts[t];
                p->term = Py_NewRef(term);
                p->value = NULL;
                p->key = key;
                p->first_pair = p->last_pair = q;
                p->pairs = 1;
            }
            else {
                Post *p = &s.posts[t];
                s.pairs[p->last_pair].next = q;
                p->last_pair = q;
                p->pairs++;
            }
        }
    }
    /* the groups, fewer than the distinct terms and forms */
    s.groups = PyMem_Malloc((s.nposts + m + 1) * sizeof(Group));
    if (s.groups == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (table_init(&s.by_hash, s.nposts + m) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < s.nposts; i++) {
        Post *p = &s.posts[i];
        if (hash_fn == NULL)
            p->hash = p->key;
        else if (hash_term(hash_fn, p->term, &p->hash) < 0)
            goto done;
        post_to_group(&s, i);
    }
    result = groups_made(&s, forms_dict, hash_fn, 1, spill, seq, mask);
done:
    PyMem_Free(by_term.slots);
    groups_free(&s);
    return result;
}

/* ---- cells: positions lists as digits text (archive.browser.digits) ------------------- */

/* digits.ALPHABET: printable ASCII without '"', '\\', ',', ';' and '='; the first BASE are
 * last digits, the rest lead digits (bijective base LEADS). */
#define BASE 64
static char alphabet[96];
static int leads;

static void
init_alphabet(void)
{
    int k = 0;
    for (int c = 33; c < 127; c++)
        if (!strchr("\"\\,;=", c))
            alphabet[k++] = (char)c;
    alphabet[k] = 0;
    leads = k - BASE;
}

/* number_text(v) appended to *b (at most 14 characters for 64 bits). */
static int
w_number(Buf *b, unsigned long long v)
{
    char tmp[32];
    int at = sizeof tmp;
    tmp[--at] = alphabet[v % BASE];
    unsigned long long high = v / BASE;
    while (high) {
        unsigned long long digit = (high - 1) % (unsigned)leads;
        tmp[--at] = alphabet[BASE + digit];
        high = (high - digit - 1) / (unsigned)leads;
    }
    if (buf_reserve(b, sizeof tmp - at) < 0)
        return -1;
    memcpy(b->p + b->len, tmp + at, sizeof tmp - at);
    b->len += sizeof tmp - at;
    return 0;
}

static int
cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* A position as a C number: OverflowError beyond 64 bits (the caller then uses the twin,
 * which has no bound). */
static int
as_ll(PyObject *v, long long *out)
{
    if (!PyLong_Check(v)) {
        PyErr_Format(PyExc_TypeError, "a position must be int, not %.100s", Py_TYPE(v)->tp_name);
        return -1;
    }
    *out = PyLong_AsLongLong(v);
    return *out == -1 && PyErr_Occurred() ? -1 : 0;
}

static int
negative(long long v)
{
    PyErr_Format(PyExc_ValueError, "digits: negative number %lld", v);
    return -1;
}

/* One list's cell: its one number, or the sorted numbers' first and gaps. */
static PyObject *
cell_text(Buf *b, PyObject *list, long long **scratch, Py_ssize_t *room)
{
    PyObject *seq = PySequence_Fast(list, "a positions list must be a sequence");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *out = NULL;
    b->len = 0;
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "list index out of range");
        goto done;
    }
    if (n > *room) {
        long long *more = native_grown(*scratch, room, n, sizeof(long long), 16);
        if (more == NULL)
            goto done;
        *scratch = more;
    }
    long long *v = *scratch;
    int sorted = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (as_ll(items[i], &v[i]) < 0)
            goto done;
        if (i && v[i] < v[i - 1])
            sorted = 0;
    }
    if (!sorted)
        qsort(v, n, sizeof(long long), cmp_ll);
    if (v[0] < 0) {
        negative(v[0]);
        goto done;
    }
    long long last = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (w_number(b, (unsigned long long)(v[i] - last)) < 0)
            goto done;
        last = v[i];
    }
    out = PyUnicode_FromStringAndSize(b->p, b->len);
done:
    Py_DECREF(seq);
    return out;
}

static PyObject *
cells(PyObject *Py_UNUSED(self), PyObject *lists)
{
    PyObject *seq = PySequence_Fast(lists, "cells takes a sequence of positions lists");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(n);
    Buf b = {NULL, 0, 0};
    long long *scratch = NULL;
    Py_ssize_t room = 0;
    if (out == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *cell = cell_text(&b, PySequence_Fast_GET_ITEM(seq, i), &scratch, &room);
        if (cell == NULL)
            goto fail;
        PyList_SET_ITEM(out, i, cell);
    }
    Py_DECREF(seq);
    PyMem_Free(b.p);
    PyMem_Free(scratch);
    return out;
fail:
    Py_XDECREF(out);
    Py_DECREF(seq);
    PyMem_Free(b.p);
    PyMem_Free(scratch);
    return NULL;
}

/* ---- an article's body grouped per vocabulary entry ----------------------------------- */

/* The ids of the body's tokens: an array("I") read in place (the records' columns), else
 * any sequence of ints. *held is the buffer to release, or NULL. */
static int
read_ids(PyObject *body, Py_buffer *view, int *held, uint32_t **ids, Py_ssize_t *n)
{
    *held = 0;
    if (PyObject_CheckBuffer(body)
        && PyObject_GetBuffer(body, view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) == 0) {
        if (view->itemsize == 4 && view->format && strcmp(view->format, "I") == 0) {
            *held = 1;
            *ids = view->buf;
            *n = view->len / 4;
            return 0;
        }
        PyBuffer_Release(view);
    }
    PyErr_Clear();
    PyObject *seq = PySequence_Fast(body, "the body's ids must be a sequence");
    if (seq == NULL)
        return -1;
    *n = PySequence_Fast_GET_SIZE(seq);
    *ids = PyMem_Malloc((*n + 1) * sizeof(uint32_t));
    if (*ids == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < *n; i++) {
        unsigned long v = PyLong_AsUnsignedLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == (unsigned long)-1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;  /* *ids is freed by the caller */
        }
        if (v > 0xFFFFFFFFUL) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_OverflowError, "a vocabulary entry beyond 32 bits");
            return -1;
        }
        (*ids)[i] = (uint32_t)v;
    }
    Py_DECREF(seq);
    return 0;
}

/* The numbers of v[0 … n) as one cell: sorted (already, nearly always), then the first and
 * the gaps as digits text. */
static PyObject *
numbers_cell(Buf *b, long long *v, Py_ssize_t n)
{
    for (Py_ssize_t i = 1; i < n; i++)
        if (v[i] < v[i - 1]) {
            qsort(v, n, sizeof(long long), cmp_ll);
            break;
        }
    if (v[0] < 0) {
        negative(v[0]);
        return NULL;
    }
    b->len = 0;
    long long last = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (w_number(b, (unsigned long long)(v[i] - last)) < 0)
            return NULL;
        last = v[i];
    }
    return PyUnicode_FromStringAndSize(b->p, b->len);
}

/* entry_cells(body, at): the body's vocabulary entries in order of first appearance and
 * each one's cell (its positions: ``at``'s items, or the token indices when None), what
 * articleterms.entry_cells_py gives without its lists: no int object per position. A
 * vocabulary entry beyond the table this makes (never: entries index the vocabulary) is
 * an OverflowError, for the twin to take. */
static PyObject *
entry_cells(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *body, *at;
    if (!PyArg_ParseTuple(args, "OO:entry_cells", &body, &at))
        return NULL;
    Py_buffer view;
    int held = 0;
    uint32_t *ids = NULL;
    Py_ssize_t n = 0;
    PyObject *at_seq = NULL, *entries = NULL, *texts = NULL, *result = NULL;
    Py_ssize_t *slot = NULL, *count = NULL, *start = NULL;
    uint32_t *order = NULL;
    long long *pos = NULL;
    Buf b = {NULL, 0, 0};
    if (read_ids(body, &view, &held, &ids, &n) < 0)
        goto done;
    if (at != Py_None) {
        at_seq = PySequence_Fast(at, "positions must be a sequence");
        if (at_seq == NULL)
            goto done;
        if (PySequence_Fast_GET_SIZE(at_seq) != n) {
            PyErr_SetString(PyExc_ValueError, "zip() arguments differ in length");
            goto done;
        }
    }
    uint32_t top = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (ids[i] > top)
            top = ids[i];
    if (top > (1u << 24)) {
        PyErr_SetString(PyExc_OverflowError, "a vocabulary entry beyond the table");
        goto done;
    }
    /* per entry its place in order of first appearance; then counts, starts, positions */
    slot = PyMem_Malloc(((size_t)top + 1) * sizeof(Py_ssize_t));
    order = PyMem_Malloc((n + 1) * sizeof(uint32_t));
    count = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    start = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    pos = PyMem_Malloc((n + 1) * sizeof(long long));
    if (!slot || !order || !count || !start || !pos) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t v = 0; v <= top; v++)
        slot[v] = -1;
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t k = slot[ids[i]];
        if (k < 0) {
            k = slot[ids[i]] = distinct;
            order[distinct++] = ids[i];
        }
        count[k]++;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t k = 0; k < distinct; k++) {
        start[k] = total;
        total += count[k];
        count[k] = 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t k = slot[ids[i]];
        long long p = i;
        if (at_seq != NULL && as_ll(PySequence_Fast_GET_ITEM(at_seq, i), &p) < 0)
            goto done;
        pos[start[k] + count[k]++] = p;
    }
    entries = PyList_New(distinct);
    texts = PyList_New(distinct);
    if (entries == NULL || texts == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < distinct; k++) {
        PyObject *e = PyLong_FromUnsignedLong(order[k]);
        if (e == NULL)
            goto done;
        PyList_SET_ITEM(entries, k, e);
        PyObject *t = numbers_cell(&b, pos + start[k], count[k]);
        if (t == NULL)
            goto done;
        PyList_SET_ITEM(texts, k, t);
    }
    result = PyTuple_Pack(2, entries, texts);
done:
    if (held)
        PyBuffer_Release(&view);
    else
        PyMem_Free(ids);
    Py_XDECREF(at_seq);
    Py_XDECREF(entries);
    Py_XDECREF(texts);
    PyMem_Free(slot);
    PyMem_Free(order);
    PyMem_Free(count);
    PyMem_Free(start);
    PyMem_Free(pos);
    PyMem_Free(b.p);
    return result;
}

/* ---- a field's terms merged ------------------------------------------------------------- */

static signed char digit_value[128];

static void
init_digit_values(void)
{
    memset(digit_value, -1, sizeof digit_value);
    for (int k = 0; alphabet[k]; k++)
        digit_value[(unsigned char)alphabet[k]] = (signed char)k;
}

/* The absolute numbers of a cell (digits text of a first number and gaps) appended to
 * *v (room for *room); -1 with ValueError for a text that is not one. */
static int
read_cell(PyObject *text, long long **v, Py_ssize_t *len, Py_ssize_t *room)
{
    if (!PyUnicode_Check(text) || !PyUnicode_IS_ASCII(text)) {
        PyErr_SetString(PyExc_ValueError, "digits: a cell must be ASCII text");
        return -1;
    }
    const unsigned char *s = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (*len + n > *room) {
        long long *more = native_grown(*v, room, *len + n, sizeof(long long), 16);
        if (more == NULL)
            return -1;
        *v = more;
    }
    unsigned long long high = 0, at = 0;
    int open = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int d = s[i] < 128 ? digit_value[s[i]] : -1;
        if (d < 0)
            goto bad;
        if (d >= BASE) {
            if (high > (ULLONG_MAX >> 6) / (unsigned)leads)
                goto big;
            high = high * (unsigned)leads + (unsigned)(d - BASE + 1);
            open = 1;
            continue;
        }
        unsigned long long gap = high * BASE + (unsigned)d;
        if (gap > (unsigned long long)LLONG_MAX - at)
            goto big;
        at += gap;
        (*v)[(*len)++] = (long long)at;
        high = 0;
        open = 0;
    }
    if (!open && n)
        return 0;
bad:
    PyErr_Format(PyExc_ValueError, "digits: not a list of numbers: %R", text);
    return -1;
big:
    PyErr_SetString(PyExc_OverflowError, "a position beyond 63 bits");
    return -1;
}

/* merged(terms, texts): a field's terms (one per vocabulary entry: "" for none) and their
 * cells as its distinct terms and cells, a term several entries share with their positions
 * merged (read back from the cells): articleterms._merged_py without the lists. */
static PyObject *
merged(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *terms, *texts;
    if (!PyArg_ParseTuple(args, "O!O!:merged", &PyList_Type, &terms, &PyList_Type, &texts))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(terms);
    if (PyList_GET_SIZE(texts) != n) {
        PyErr_SetString(PyExc_ValueError, "merged: as many cells as terms");
        return NULL;
    }
    PyObject *result = NULL, *out_terms = NULL, *out_texts = NULL;
    Py_ssize_t *first = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));  /* per distinct term */
    Py_ssize_t *next = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));   /* per entry: same term */
    Py_ssize_t *last = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *many = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    uint32_t *hashes = PyMem_Malloc((n + 1) * sizeof(uint32_t));
    size_t cap = 8;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    Py_ssize_t *slots = PyMem_Calloc(cap, sizeof(Py_ssize_t));  /* distinct term + 1 */
    long long *v = NULL;
    Py_ssize_t vlen = 0, room = 0;
    Buf b = {NULL, 0, 0};
    if (!first || !next || !last || !many || !hashes || !slots) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t distinct = 0;
    int empty = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *term = PyList_GET_ITEM(terms, k);
        if (!PyUnicode_CheckExact(term)) {
            PyErr_SetString(PyExc_TypeError, "merged: the terms must be str");
            goto done;
        }
        next[k] = -1;
        if (PyUnicode_GET_LENGTH(term) == 0) {
            empty = 1;
            continue;
        }
        uint32_t h;
        if (fnv_utf16(term, &h) < 0)
            goto done;
        size_t i = (h * 0x9E3779B1u) & (cap - 1);
        Py_ssize_t d = -1;
        while (slots[i]) {
            Py_ssize_t e = slots[i] - 1;
            if (hashes[e] == h && same_str(PyList_GET_ITEM(terms, first[e]), term)) {
                d = e;
                break;
            }
            i = (i + 1) & (cap - 1);
        }
        if (d < 0) {
            d = distinct++;
            slots[i] = d + 1;
            hashes[d] = h;
            first[d] = last[d] = k;
        }
        else {
            next[last[d]] = k;
            last[d] = k;
            many[d] = 1;
        }
    }
    if (!empty && distinct == n) {  /* each term one entry's (most fields) */
        result = PyTuple_Pack(2, terms, texts);
        goto done;
    }
    out_terms = PyList_New(distinct);
    out_texts = PyList_New(distinct);
    if (out_terms == NULL || out_texts == NULL)
        goto done;
    for (Py_ssize_t d = 0; d < distinct; d++) {
        PyObject *term = PyList_GET_ITEM(terms, first[d]);
        Py_INCREF(term);
        PyList_SET_ITEM(out_terms, d, term);
        PyObject *text;
        if (!many[d]) {
            text = PyList_GET_ITEM(texts, first[d]);
            Py_INCREF(text);
        }
        else {
            vlen = 0;
            for (Py_ssize_t k = first[d]; k >= 0; k = next[k])
                if (read_cell(PyList_GET_ITEM(texts, k), &v, &vlen, &room) < 0)
                    goto done;
            if (vlen == 0) {
                PyErr_SetString(PyExc_ValueError, "digits: an empty cell");
                goto done;
            }
            text = numbers_cell(&b, v, vlen);
            if (text == NULL)
                goto done;
        }
        PyList_SET_ITEM(out_texts, d, text);
    }
    result = PyTuple_Pack(2, out_terms, out_texts);
done:
    Py_XDECREF(out_terms);
    Py_XDECREF(out_texts);
    PyMem_Free(first);
    PyMem_Free(next);
    PyMem_Free(last);
    PyMem_Free(many);
    PyMem_Free(hashes);
    PyMem_Free(slots);
    PyMem_Free(v);
    PyMem_Free(b.p);
    return result;
}

/* add_field(postings, f, terms, texts): articleterms.add_field_py. */
static PyObject *
add_field(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *postings, *f, *terms, *texts;
    if (!PyArg_ParseTuple(args, "O!OO!O!:add_field", &PyDict_Type, &postings, &f, &PyList_Type,
                          &terms, &PyList_Type, &texts))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(terms);
    if (PyList_GET_SIZE(texts) != n) {
        PyErr_SetString(PyExc_ValueError, "zip() arguments differ in length");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n && k < PyList_GET_SIZE(terms) && k < PyList_GET_SIZE(texts);
         k++) {
        /* held: a key's comparison may run Python code (never a str's) */
        PyObject *term = Py_NewRef(PyList_GET_ITEM(terms, k));
        PyObject *cell = Py_NewRef(PyList_GET_ITEM(texts, k));
        int r = -1;
        PyObject *at = PyDict_GetItemWithError(postings, term);
        if (at == NULL) {
            PyObject *fresh = PyErr_Occurred() ? NULL : PyList_New(2);
            if (fresh != NULL) {
                PyList_SET_ITEM(fresh, 0, Py_NewRef(f));
                PyList_SET_ITEM(fresh, 1, Py_NewRef(cell));
                r = PyDict_SetItem(postings, term, fresh);
                Py_DECREF(fresh);
            }
        }
        else if (!PyList_CheckExact(at))
            PyErr_SetString(PyExc_TypeError, "add_field: a posting must be a list");
        else {
            Py_INCREF(at);
            r = PyList_Append(at, f) < 0 || PyList_Append(at, cell) < 0 ? -1 : 0;
            Py_DECREF(at);
        }
        Py_DECREF(term);
        Py_DECREF(cell);
        if (r < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

/* add_firsts(first, entries, named, forms, norms, stems, roots): each body entry's first
 * forms set where not set yet (articleterms._add_firsts_py): (0, stem, norm) and
 * (1, root, norm) → its spelling, entries from ``named`` on (a name's tokens) left out. */
static PyObject *
add_firsts(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *first, *entries, *forms, *norms, *stems, *roots;
    Py_ssize_t named;
    if (!PyArg_ParseTuple(args, "O!O!nO!O!O!O!:add_firsts", &PyDict_Type, &first, &PyList_Type,
                          &entries, &named, &PyList_Type, &forms, &PyList_Type, &norms,
                          &PyList_Type, &stems, &PyList_Type, &roots))
        return NULL;
    PyObject *levels[2] = {PyLong_FromLong(0), PyLong_FromLong(1)};
    if (levels[0] == NULL || levels[1] == NULL)
        goto fail;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(entries); k++) {
        Py_ssize_t v = PyLong_AsSsize_t(PyList_GET_ITEM(entries, k));
        if (v == -1 && PyErr_Occurred())
            goto fail;
        if (v < 0 || v >= PyList_GET_SIZE(norms)) {  /* norms[v] (the twin reads it first) */
            PyErr_SetString(PyExc_IndexError, "list index out of range");
            goto fail;
        }
        if (v >= named)
            continue;
        /* held: a truth test or a key's comparison in the setdefault may run Python code
         * (never a str's) that changes the lists */
        PyObject *norm = Py_NewRef(PyList_GET_ITEM(norms, v));
        int some = PyObject_IsTrue(norm);
        if (some <= 0) {
            Py_DECREF(norm);
            if (some < 0)
                goto fail;
            continue;
        }
        if (v >= PyList_GET_SIZE(stems) || v >= PyList_GET_SIZE(roots)
            || v >= PyList_GET_SIZE(forms)) {
            Py_DECREF(norm);
            PyErr_SetString(PyExc_IndexError, "list index out of range");
            goto fail;
        }
        PyObject *held[4] = {Py_NewRef(PyList_GET_ITEM(stems, v)),
                             Py_NewRef(PyList_GET_ITEM(roots, v)), norm,
                             Py_NewRef(PyList_GET_ITEM(forms, v))};
        int r = 0;
        for (int level = 0; level < 2 && r == 0; level++) {
            some = PyObject_IsTrue(held[level]);
            if (some <= 0) {
                r = some;
                continue;
            }
            PyObject *key = PyTuple_Pack(3, levels[level], held[level], held[2]);
            PyObject *got = key == NULL ? NULL : PyDict_SetDefault(first, key, held[3]);
            Py_XDECREF(key);
            r = got == NULL ? -1 : 0;
        }
        for (int i = 0; i < 4; i++)
            Py_DECREF(held[i]);
        if (r < 0)
            goto fail;
    }
    Py_DECREF(levels[0]);
    Py_DECREF(levels[1]);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(levels[0]);
    Py_XDECREF(levels[1]);
    return NULL;
}

/* ---- a field's terms ------------------------------------------------------------------- */

/* picked(column, entries): [column[v] for v in entries] (articleterms' map of
 * column.__getitem__; a negative entry counts from the end, as there). */
static PyObject *
picked(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *column, *entries;
    if (!PyArg_ParseTuple(args, "O!O!:picked", &PyList_Type, &column, &PyList_Type, &entries))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(entries);
    PyObject *out = PyList_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t v = PyNumber_AsSsize_t(PyList_GET_ITEM(entries, k), PyExc_IndexError);
        if (v == -1 && PyErr_Occurred())
            goto fail;
        if (v < 0)
            v += PyList_GET_SIZE(column);
        if (v < 0 || v >= PyList_GET_SIZE(column)) {
            PyErr_SetString(PyExc_IndexError, "list index out of range");
            goto fail;
        }
        PyList_SET_ITEM(out, k, Py_NewRef(PyList_GET_ITEM(column, v)));
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* Whether ``c`` certainly has no lower case of its own: ASCII but A-Z, the Arabic blocks
 * (no case at all). Any other character is left to str.lower. */
static inline int
caseless(Py_UCS4 c)
{
    return c < 0x80 ? !(c >= 'A' && c <= 'Z')
                    : (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F)
                      || (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF)
                      || (c >= 0xFE70 && c <= 0xFEFF);
}

/* lowered(terms): articleterms._lowered_py — the same list when no term changes once
 * lowercased (most: Arabic has no case), else each term's str.lower(). A term with a
 * character not known caseless here is lowered by str.lower and compared. */
static PyObject *
lowered(PyObject *Py_UNUSED(self), PyObject *terms)
{
    if (!PyList_Check(terms)) {
        PyErr_SetString(PyExc_TypeError, "lowered takes a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(terms);
    int changes = 0;
    for (Py_ssize_t k = 0; k < n && !changes; k++) {
        PyObject *t = PyList_GET_ITEM(terms, k);
        if (!PyUnicode_Check(t)) {
            PyErr_SetString(PyExc_TypeError, "lowered takes a list of str");
            return NULL;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(t);
        int kind = PyUnicode_KIND(t);
        const void *data = PyUnicode_DATA(t);
        Py_ssize_t i = 0;
        while (i < len && caseless(PyUnicode_READ(kind, data, i)))
            i++;
        if (i == len)
            continue;
        Py_INCREF(t);
        PyObject *low = PyObject_CallMethod(t, "lower", NULL);
        if (low == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        int same = PyUnicode_Check(low) ? PyUnicode_Compare(t, low) : 1;
        Py_DECREF(low);
        Py_DECREF(t);
        if (same == -1 && PyErr_Occurred())
            return NULL;
        changes = same != 0;
    }
    if (!changes)
        return Py_NewRef(terms);
    n = PyList_GET_SIZE(terms);
    PyObject *out = PyList_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (k >= PyList_GET_SIZE(terms)) {  /* a str subclass's lower() changed the list */
            Py_DECREF(out);
            PyErr_SetString(PyExc_RuntimeError, "the terms changed while lowered");
            return NULL;
        }
        PyObject *low = PyObject_CallMethod(PyList_GET_ITEM(terms, k), "lower", NULL);
        if (low == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, k, low);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"term_hash", term_hash, METH_O,
     "FNV-1a (32 bit) over the UTF-16 code units of a term (index.term_hash_py)."},
    {"term_groups", term_groups, METH_VARARGS,
     "An article's (hashes, group bytes) from its postings and forms (index._term_groups_py)."},
    {"field_groups", field_groups, METH_VARARGS,
     "term_groups of the postings made of (f, terms, cells) fields, and the digests' bytes."},
    {"crc32", crc32, METH_O, "zlib.crc32 of a buffer (the groups' checksums)."},
    {"cells", cells, METH_O,
     "Each positions list's cell text (articleterms.cells_py)."},
    {"entry_cells", entry_cells, METH_VARARGS,
     "The body's entries and their cells (articleterms.entry_cells_py)."},
    {"merged", merged, METH_VARARGS,
     "A field's distinct terms and cells (articleterms._merged_py, from the cells)."},
    {"picked", picked, METH_VARARGS,
     "A column's items at the entries (articleterms' map of column.__getitem__)."},
    {"lowered", lowered, METH_O, "Terms lowercased where any changes (articleterms._lowered_py)."},
    {"add_firsts", add_firsts, METH_VARARGS,
     "The body entries' first forms set where not set (articleterms._add_firsts_py)."},
    {"add_field", add_field, METH_VARARGS,
     "A field's terms and cells added to the postings (articleterms.add_field_py)."},
    {"spill_new", spill_new, METH_VARARGS, "The buffers of a spill (index._Spill)."},
    {"spill_add", spill_add, METH_VARARGS,
     "A record added to a bucket; True: its buffer is to be written (index._Spill.add_bytes)."},
    {"spill_groups", spill_groups, METH_VARARGS,
     "An article's groups added, a record per bucket; the buckets to write (index._Spill)."},
    {"spill_take", spill_take, METH_VARARGS,
     "A bucket's batch bytes, its buffer emptied; None: no record (index._Spill._flush)."},
    {"spill_size", spill_size, METH_VARARGS, "The bytes spilled to a bucket (index._Spill.size)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_cterms",
    .m_doc = "The browser writer's per-article half in C.", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__cterms(void)
{
    init_alphabet();
    init_digit_values();
    init_crc();
    return native_module(&module);
}
