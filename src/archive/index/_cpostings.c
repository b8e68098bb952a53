/* archive.index._cpostings: the per-posting loops of archive.index.writer in C.
 *
 * Each function here has a pure-Python twin in writer.py, which stays the reference: the
 * writer uses the C function when this module imports and the twin otherwise, and the bytes
 * are the same either way (tests/test_native_postings.py compares them). A C function that
 * meets something it does not handle (a weight that is not a small whole number, a value
 * that is not bytes, a term whose pickle would need a second frame...) does not guess: it
 * stops there and the caller's Python code writes that item, as it does without this module.
 *
 * - write_terms: the loop of ArchiveWriter._flush_segment over a record's terms (twins:
 *   its one-posting branch, ArchiveWriter._inline_term, _block_term, and the term table's
 *   add of _fast_term_table); write_record: the same of a sorted run's record as arrays
 *   (twin: SortedRun._chunks's lists, then the same loop);
 * - md5_hash: Whoosh's md5_hash of a key (twin: the hash in _fast_term_table's add);
 * - hash_tables: the term table's 256 hash tables (twin: write_hashes of _fast_term_table);
 * - add_stream: a ColumnStream's postings into the packed buffer (twin:
 *   PackedBuffer.add_columns and _add_ids);
 * - term_table: the term ids of a ColumnStream's used entries (twin: the look-ups of
 *   PackedBuffer.add_columns, _term_id_array);
 * - rank_terms: a field's terms in order and their ranks (twin: the loop over a field of
 *   PackedBuffer.sorted);
 * - merge_round: a round of the merge of spilled runs as arrays (twin: the round of
 *   _merge_arrays);
 * - sort_buffer: a packed buffer's postings in (field, term) order (twin: PackedBuffer.sorted
 *   after the ranks);
 * - entry_counts: an article's root counts (twin: the loop of ColumnDoc.feature_counts, in
 *   archive/index/docs.py);
 * - related_top: the related lists of a chunk of articles (twin: _Matrix.top's products and
 *   selection and _Matrix.shared, in archive/index/related.py, through scipy);
 * - related_against: an update's similarities of every kept article with the moved ones,
 *   each one's TOP_K best (twin: that step of related.update_related);
 * - related_rows: an update's related lists of a few articles, without the transpose (twin:
 *   _Matrix.top's products and selection and _Matrix.shared, numpy's or scipy's);
 * - related_parts: their text in related.json (twin: related._related_item);
 * - feature_row: an article's row of related.FeatureRows (twin: FeatureRows.add_counts).
 *
 * No output depends on an address or on the hash seed: pointers are only compared for
 * identity (pickle's memo: a set of them, asked whether it holds one, never read in order),
 * and terms are looked up in the writer's dicts, whose order is their insertion's.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "native.h"
#include <stdint.h>
#include <string.h>
#include <limits.h>
#include <math.h>

static void
put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Whether a buffer's format is a native integer of the letters given ("il": a C int or long;
 * which one is 4 or 8 bytes depends on the platform: the caller checks the item size),
 * with or without the native prefixes "@" and "=". */
static int
int_format(const char *format, const char *letters)
{
    if (format == NULL)
        return 0;
    if (*format == '@' || *format == '=')
        format++;
    return format[0] != '\0' && format[1] == '\0' && strchr(letters, format[0]) != NULL;
}

/* ------------------------------------------------------------------ MD5 (RFC 1321) */

/* Whoosh's term table hashes each key with MD5 (md5_hash: the digest's last four bytes, read
 * big-endian); CPython's MD5 is not callable from C without a Python call per key. */
static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
    0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
    0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
    0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
    0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
    0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391,
};

/* one round of MD5's 64 steps, spelled out (the rounds' functions, message words and shifts
 * fixed per step: a loop choosing them per step took three times the instructions) */
#define MD5_STEP(f, a, b, c, d, x, k, r) \
    do { \
        (a) += f((b), (c), (d)) + (x) + (uint32_t)(k); \
        (a) = (b) + (((a) << (r)) | ((a) >> (32 - (r)))); \
    } while (0)
#define MD5_F(b, c, d) ((((c) ^ (d)) & (b)) ^ (d))
#define MD5_G(b, c, d) ((((b) ^ (c)) & (d)) ^ (c))
#define MD5_H(b, c, d) ((b) ^ (c) ^ (d))
#define MD5_I(b, c, d) ((c) ^ ((b) | ~(d)))

static void
md5_block(uint32_t h[4], const unsigned char *blk)
{
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)blk[4 * i] | (uint32_t)blk[4 * i + 1] << 8
               | (uint32_t)blk[4 * i + 2] << 16 | (uint32_t)blk[4 * i + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    const uint32_t *k = md5_k;
    for (int i = 0; i < 16; i += 4) {
        MD5_STEP(MD5_F, a, b, c, d, w[i], k[i], 7);
        MD5_STEP(MD5_F, d, a, b, c, w[i + 1], k[i + 1], 12);
        MD5_STEP(MD5_F, c, d, a, b, w[i + 2], k[i + 2], 17);
        MD5_STEP(MD5_F, b, c, d, a, w[i + 3], k[i + 3], 22);
    }
    for (int i = 16; i < 32; i += 4) {
        MD5_STEP(MD5_G, a, b, c, d, w[(5 * i + 1) & 15], k[i], 5);
        MD5_STEP(MD5_G, d, a, b, c, w[(5 * i + 6) & 15], k[i + 1], 9);
        MD5_STEP(MD5_G, c, d, a, b, w[(5 * i + 11) & 15], k[i + 2], 14);
        MD5_STEP(MD5_G, b, c, d, a, w[(5 * i + 16) & 15], k[i + 3], 20);
    }
    for (int i = 32; i < 48; i += 4) {
        MD5_STEP(MD5_H, a, b, c, d, w[(3 * i + 5) & 15], k[i], 4);
        MD5_STEP(MD5_H, d, a, b, c, w[(3 * i + 8) & 15], k[i + 1], 11);
        MD5_STEP(MD5_H, c, d, a, b, w[(3 * i + 11) & 15], k[i + 2], 16);
        MD5_STEP(MD5_H, b, c, d, a, w[(3 * i + 14) & 15], k[i + 3], 23);
    }
    for (int i = 48; i < 64; i += 4) {
        MD5_STEP(MD5_I, a, b, c, d, w[(7 * i) & 15], k[i], 6);
        MD5_STEP(MD5_I, d, a, b, c, w[(7 * i + 7) & 15], k[i + 1], 10);
        MD5_STEP(MD5_I, c, d, a, b, w[(7 * i + 14) & 15], k[i + 2], 15);
        MD5_STEP(MD5_I, b, c, d, a, w[(7 * i + 21) & 15], k[i + 3], 21);
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

/* Whoosh's md5_hash(data): int(md5(data).hexdigest(), 16) & 0xFFFFFFFF. */
static uint32_t
md5_tail(const unsigned char *data, size_t n)
{
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    size_t i = 0;
    for (; i + 64 <= n; i += 64)
        md5_block(h, data + i);
    unsigned char last[128];
    size_t rest = n - i;
    if (rest)
        memcpy(last, data + i, rest);
    last[rest] = 0x80;
    size_t total = rest + 1 <= 56 ? 64 : 128;
    memset(last + rest + 1, 0, total - rest - 1);
    uint64_t bits = (uint64_t)n * 8;
    for (int j = 0; j < 8; j++)
        last[total - 8 + j] = (unsigned char)(bits >> (8 * j));
    md5_block(h, last);
    if (total == 128)
        md5_block(h, last + 64);
    uint32_t d = h[3];  /* the digest's bytes 12-15, little-endian: read big-endian */
    return (d >> 24) | ((d >> 8) & 0xff00) | ((d << 8) & 0xff0000) | (d << 24);
}

static PyObject *
md5_hash(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "md5_hash: bytes expected");
        return NULL;
    }
    return PyLong_FromUnsignedLong(md5_tail((const unsigned char *)PyBytes_AS_STRING(arg),
                                            (size_t)PyBytes_GET_SIZE(arg)));
}

/* ------------------------------------------------------------------ keys */

/* ``s.encode("utf-8")`` appended to ``b``: 1, or 0 when ``s`` is not a str or has a lone
 * surrogate (Python's encode raises: the caller's Python code meets it), -1 on error. Not
 * PyUnicode_AsUTF8AndSize: it keeps the UTF-8 copy in the str for the str's life (the names
 * of a run live through the commit). */
static int
put_utf8(Buf *b, PyObject *s)
{
    if (!PyUnicode_CheckExact(s))
        return 0;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0)
        return -1;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (PyUnicode_IS_ASCII(s))
        return buf_put(b, PyUnicode_1BYTE_DATA(s), n) < 0 ? -1 : 1;
    if (n > PY_SSIZE_T_MAX / 4 || buf_reserve(b, 4 * n) < 0) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        return -1;
    }
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    unsigned char *p = (unsigned char *)b->p + b->len;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80)
            *p++ = (unsigned char)c;
        else if (c < 0x800) {
            *p++ = (unsigned char)(0xc0 | (c >> 6));
            *p++ = (unsigned char)(0x80 | (c & 0x3f));
        }
        else if (c >= 0xd800 && c <= 0xdfff)
            return 0;
        else if (c < 0x10000) {
            *p++ = (unsigned char)(0xe0 | (c >> 12));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
            *p++ = (unsigned char)(0x80 | (c & 0x3f));
        }
        else {
            *p++ = (unsigned char)(0xf0 | (c >> 18));
            *p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
            *p++ = (unsigned char)(0x80 | (c & 0x3f));
        }
    }
    b->len = (Py_ssize_t)(p - (unsigned char *)b->p);
    return 1;
}

/* ------------------------------------------------------------------ pickle, protocol 4 */

/* The opcodes pickle.dumps(obj, 4) writes for the tuples of ints, floats, bytes and None of
 * an inlined term (the C pickler's choices: _pickle.c save_long, save_float,
 * _save_bytes_data, save_tuple, memo_put / memo_get). */
#define PK_MEMOIZE 0x94
#define PK_MAX_BODY 60000  /* below pickle's frame size target (64 KB): one frame */

static int
pk_int(Buf *b, long v)  /* 0 <= v < 2 ** 31 */
{
    unsigned char s[5];
    if (v <= 0xff) {
        s[0] = 'K';
        s[1] = (unsigned char)v;
        return buf_put(b, s, 2);
    }
    s[1] = (unsigned char)(v & 0xff);
    s[2] = (unsigned char)((v >> 8) & 0xff);
    if (v <= 0xffff) {
        s[0] = 'M';
        return buf_put(b, s, 3);
    }
    s[0] = 'J';
    s[3] = (unsigned char)((v >> 16) & 0xff);
    s[4] = (unsigned char)((v >> 24) & 0xff);
    return buf_put(b, s, 5);
}

static int
pk_float(Buf *b, double x)
{
    char s[9];
    s[0] = 'G';
    if (PyFloat_Pack8(x, s + 1, 0) < 0)
        return -1;
    return buf_put(b, s, 9);
}

/* the end of a tuple of n items whose items are written (and the tuple memoized) */
static int
pk_tuple_end(Buf *b, Py_ssize_t n, Py_ssize_t *memo)
{
    static const unsigned char ops[4] = {')', 0x85, 0x86, 0x87};
    if (n == 0)
        return buf_byte(b, ')');  /* the empty tuple is not memoized */
    if (buf_byte(b, n <= 3 ? ops[n] : 't') < 0 || buf_byte(b, PK_MEMOIZE) < 0)
        return -1;
    (*memo)++;
    return 0;
}

/* ------------------------------------------------------------------ pickle's memo */

/* The bytes objects of one tuple already written, by identity (pickle memoizes an object by
 * its id: the same object again is written as a reference to the first). An open-addressing
 * set of pointers: only found or not found depends on them, never an order. */
typedef struct {
    const void **keys;
    Py_ssize_t *at;
    Py_ssize_t cap;
} PtrSet;

/* A value of a posting: its bytes and its identity (what pickle's memo knows it by: the bytes
 * object given, or for a value read from a record's joined bytes, where the twin makes a bytes
 * object per value, its place, but for one byte: CPython gives every one-byte bytes of a
 * character the same object, whose identity here is that character's entry of one_byte). */
typedef struct {
    const char *p;
    Py_ssize_t n;
    const void *id;
} Val;

static const char one_byte[256];

static int
ptrset_clear(PtrSet *s, Py_ssize_t n)
{
    Py_ssize_t cap = 16;
    while (cap < 2 * n) {
        if (cap > PY_SSIZE_T_MAX / 4 / (Py_ssize_t)sizeof(void *)) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    if (cap > s->cap) {
        const void **keys = PyMem_Realloc(s->keys, (size_t)cap * sizeof(void *));
        if (keys == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->keys = keys;
        Py_ssize_t *at = PyMem_Realloc(s->at, (size_t)cap * sizeof(Py_ssize_t));
        if (at == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->at = at;
        s->cap = cap;
    }
    memset(s->keys, 0, (size_t)s->cap * sizeof(void *));
    return 0;
}

/* the memo index of ``o`` if it is in the set, else -1 (and it is put in with ``at``) */
static Py_ssize_t
ptrset_seen(PtrSet *s, const void *o, Py_ssize_t at)
{
    size_t mask = (size_t)s->cap - 1;
    size_t i = (size_t)(((uint64_t)(uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ULL >> 32) & mask;
    while (s->keys[i] != NULL) {
        if (s->keys[i] == o)
            return s->at[i];
        i = (i + 1) & mask;
    }
    s->keys[i] = o;
    s->at[i] = at;
    return -1;
}

/* the non-empty values of vs[0..n) as the tuple pickle writes (bytes memoized, the same
 * object again a reference to it); ``set`` has room for n */
static int
pk_values(Buf *out, const Val *vs, Py_ssize_t n, Py_ssize_t *memo, PtrSet *set)
{
    if (ptrset_clear(set, n) < 0)
        return -1;
    if (n > 3 && buf_byte(out, '(') < 0)
        return -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t seen = ptrset_seen(set, vs[k].id, *memo);
        unsigned char h[5];
        if (seen >= 0) {
            if (seen < 256) {
                h[0] = 'h';
                h[1] = (unsigned char)seen;
                if (buf_put(out, h, 2) < 0)
                    return -1;
            }
            else {
                h[0] = 'j';
                h[1] = (unsigned char)(seen & 0xff);
                h[2] = (unsigned char)((seen >> 8) & 0xff);
                h[3] = (unsigned char)((seen >> 16) & 0xff);
                h[4] = (unsigned char)((seen >> 24) & 0xff);
                if (buf_put(out, h, 5) < 0)
                    return -1;
            }
            continue;
        }
        Py_ssize_t size = vs[k].n;
        Py_ssize_t hn;
        if (size <= 0xff) {
            h[0] = 'C';
            h[1] = (unsigned char)size;
            hn = 2;
        }
        else {
            h[0] = 'B';
            h[1] = (unsigned char)(size & 0xff);
            h[2] = (unsigned char)((size >> 8) & 0xff);
            h[3] = (unsigned char)((size >> 16) & 0xff);
            h[4] = (unsigned char)((size >> 24) & 0xff);
            hn = 5;
        }
        if (buf_put(out, h, hn) < 0 || buf_put(out, vs[k].p, size) < 0
            || buf_byte(out, PK_MEMOIZE) < 0)
            return -1;
        (*memo)++;
    }
    return pk_tuple_end(out, n, memo);
}

/* PROTO 4 and a FRAME whose length is filled in by pk_end; where its length goes */
static Py_ssize_t
pk_start(Buf *out)
{
    static const unsigned char head[11] = {0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0, 0};
    Py_ssize_t frame = out->len + 3;
    return buf_put(out, head, 11) < 0 ? -1 : frame;
}

/* STOP and the frame's length: 1, or 0 if the pickle is too long for one frame (pickle
 * would cut it in frames of its own: not written here) */
static int
pk_end(Buf *out, Py_ssize_t frame)
{
    if (buf_byte(out, '.') < 0)
        return -1;
    Py_ssize_t framelen = out->len - frame - 8;
    if (framelen > PK_MAX_BODY)
        return 0;
    unsigned char *f = (unsigned char *)out->p + frame;
    for (int j = 0; j < 8; j++)
        f[j] = (unsigned char)(((uint64_t)framelen >> (8 * j)) & 0xff);
    return 1;
}

/* ------------------------------------------------------------------ a record's terms */

#define TERMINFO_SIZE 23  /* W3TermInfo._struct: "!BfIBBfII" */

/* One record's postings of a term, read and checked: its documents (< 2 ** 31, each with a
 * length byte), weights (frequencies: whole numbers 1..2 ** 24, which float32 keeps, so that
 * their sum is the same however it is added up: Python's sum changed its way in 3.12) and
 * non-empty values (exact bytes). */
typedef struct {
    long *ids;
    double *ws;
    unsigned char *lbs;
    Val *vs;  /* the values, None and empty ones left out (as filter(None, ...)) */
    Py_ssize_t *vend;  /* per posting, the number of values up to it */
    char *block;  /* the arrays above */
    Py_ssize_t cap;
    PtrSet set;
} Scratch;

static int
scratch_reserve(Scratch *s, Py_ssize_t n)
{
    if (n <= s->cap)
        return 0;
    /* one block for the five arrays (each refilled per term: nothing to keep) */
    const size_t each = sizeof(double) + sizeof(long) + sizeof(Val) + sizeof(Py_ssize_t) + 1;
    if ((size_t)n > (size_t)PY_SSIZE_T_MAX / each) {
        PyErr_NoMemory();
        return -1;
    }
    char *block = PyMem_Realloc(s->block, (size_t)n * each);
    if (block == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    s->block = block;
    s->ws = (double *)(void *)block;
    s->ids = (long *)(void *)(s->ws + n);
    s->vs = (Val *)(void *)(s->ids + n);
    s->vend = (Py_ssize_t *)(void *)(s->vs + n);
    s->lbs = (unsigned char *)(s->vend + n);
    s->cap = n;
    return 0;
}

static void
scratch_free(Scratch *s)
{
    PyMem_Free(s->block);
    PyMem_Free(s->set.keys);
    PyMem_Free(s->set.at);
}

/* A record's postings: lists (a record of Python objects: docs, weights, values) or arrays
 * (a sorted run's record as SortedRun._records gives it: int32 documents, frequencies and
 * value lengths, the values joined). */
typedef struct {
    PyObject *docs, *weights, *values;
    Py_buffer adocs, afreqs, alens;
    const char *joined;
    int64_t *starts;  /* arrays: each value's start in joined */
    Py_ssize_t n;
    int arrays;
} Src;

/* 1: read; 0: not handled here; -1: error */
static int
read_postings(Scratch *s, const Src *src, Py_ssize_t lo, Py_ssize_t n, PyObject *lbytes,
              int novalues)
{
    if (scratch_reserve(s, n) < 0)
        return -1;
    Py_ssize_t nv = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        long id;
        double x;
        int overflow;
        if (src->arrays) {
            id = ((const int32_t *)src->adocs.buf)[lo + k];
            x = (double)((const int32_t *)src->afreqs.buf)[lo + k];
            if (id < 0)
                return 0;
        }
        else {
            PyObject *d = PyList_GET_ITEM(src->docs, lo + k);
            PyObject *w = PyList_GET_ITEM(src->weights, lo + k);
            if (!PyLong_CheckExact(d) || !PyFloat_CheckExact(w))
                return 0;
            id = PyLong_AsLongAndOverflow(d, &overflow);
            if (overflow || id < 0 || id > 0x7fffffffL)
                return 0;
            x = PyFloat_AS_DOUBLE(w);
        }
        if (id >= PyList_GET_SIZE(lbytes))
            return 0;
        PyObject *lb = PyList_GET_ITEM(lbytes, id);
        if (!PyLong_CheckExact(lb))
            return 0;
        long lbv = PyLong_AsLongAndOverflow(lb, &overflow);
        if (overflow || lbv < 0 || lbv > 255)
            return 0;
        if (!(x >= 1.0 && x <= 16777216.0) || x != (double)(long)x)
            return 0;
        s->ids[k] = id;
        s->ws[k] = x;
        s->lbs[k] = (unsigned char)lbv;
        if (!novalues) {
            Val v;
            if (src->arrays) {
                v.n = ((const int32_t *)src->alens.buf)[lo + k];
                v.p = src->joined + src->starts[lo + k];
                v.id = v.n == 1 ? (const void *)(one_byte + (unsigned char)v.p[0])
                                : (const void *)v.p;
            }
            else {
                PyObject *o = PyList_GET_ITEM(src->values, lo + k);
                if (o == Py_None)
                    v.n = 0;
                else if (!PyBytes_CheckExact(o))
                    return 0;
                else {
                    v.n = PyBytes_GET_SIZE(o);
                    v.p = PyBytes_AS_STRING(o);
                    v.id = o;
                }
            }
            if (v.n > PK_MAX_BODY)
                return 0;
            if (v.n)
                s->vs[nv++] = v;
        }
        s->vend[k] = nv;
    }
    return 1;
}

/* The W3TermInfo bytes ("!BfIBBfII") of a term. */
static int
put_terminfo(Buf *out, int inlined, double total, Py_ssize_t n, long minb, long maxb,
             double top, long first, long lastid)
{
    if (buf_reserve(out, TERMINFO_SIZE) < 0)
        return -1;
    unsigned char *info = (unsigned char *)out->p + out->len;
    info[0] = (unsigned char)inlined;
    if (PyFloat_Pack4(total, (char *)info + 1, 0) < 0)
        return -1;
    put_be32(info + 5, (uint32_t)n);
    info[9] = (unsigned char)minb;
    info[10] = (unsigned char)maxb;
    if (PyFloat_Pack4(top, (char *)info + 11, 0) < 0)
        return -1;
    put_be32(info + 15, (uint32_t)first);
    put_be32(info + 19, (uint32_t)lastid);
    out->len += TERMINFO_SIZE;
    return 0;
}

/* A term's inlined postings (read into ``s``) as its term-table value appended to ``out``:
 * the W3TermInfo bytes and the pickle of (ids, weights, values), what _inline_term (and
 * _flush_segment's one-posting branch) write. 1: written; 0: not handled here (``out`` as
 * it was); -1: error. */
static int
inline_value(Buf *out, Scratch *s, Py_ssize_t n, int novalues)
{
    Py_ssize_t start = out->len;
    long minb = 0, maxb = 0;
    double total = 0.0, top = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) {
        long lbv = s->lbs[k];
        /* length_to_byte is monotonic and gives 0 for no length only: the least non-zero
         * byte is the least length's, the greatest the greatest's */
        if (lbv && (!minb || lbv < minb))
            minb = lbv;
        if (lbv > maxb)
            maxb = lbv;
        total += s->ws[k];
        if (s->ws[k] > top)
            top = s->ws[k];
    }
    if (put_terminfo(out, 1, total, n, minb, maxb, top, s->ids[0], s->ids[n - 1]) < 0)
        return -1;
    Py_ssize_t memo = 0, frame = pk_start(out);
    if (frame < 0)
        return -1;
    if (n > 3 && buf_byte(out, '(') < 0)
        return -1;
    for (Py_ssize_t k = 0; k < n; k++)
        if (pk_int(out, s->ids[k]) < 0)
            return -1;
    if (pk_tuple_end(out, n, &memo) < 0)
        return -1;
    if (n > 3 && buf_byte(out, '(') < 0)
        return -1;
    for (Py_ssize_t k = 0; k < n; k++)
        if (pk_float(out, (double)(float)s->ws[k]) < 0)
            return -1;
    if (pk_tuple_end(out, n, &memo) < 0)
        return -1;
    if (novalues) {  /* (None,) * n: a format without values reads back None per posting */
        if (n > 3 && buf_byte(out, '(') < 0)
            return -1;
        for (Py_ssize_t k = 0; k < n; k++)
            if (buf_byte(out, 'N') < 0)
                return -1;
        if (pk_tuple_end(out, n, &memo) < 0)
            return -1;
    }
    else if (pk_values(out, s->vs, s->vend[n - 1], &memo, &s->set) < 0)
        return -1;
    if (pk_tuple_end(out, 3, &memo) < 0)
        return -1;
    int r = pk_end(out, frame);
    if (r <= 0)
        out->len = start;
    return r;
}

/* pickle.dumps(obj, 2) of a block's info tuple (count, last id, top weight, compression 0,
 * least and greatest length bytes): PROTO 2, MARK, the items, TUPLE, BINPUT 0, STOP */
static int
block_info(Buf *out, Py_ssize_t count, long lastid, double top, long lowb, long highb)
{
    static const unsigned char head[3] = {0x80, 2, '('};
    static const unsigned char tail[4] = {'t', 'q', 0, '.'};
    if (buf_put(out, head, 3) < 0 || pk_int(out, (long)count) < 0 || pk_int(out, lastid) < 0
        || pk_float(out, top) < 0 || pk_int(out, 0) < 0 || pk_int(out, lowb) < 0
        || pk_int(out, highb) < 0 || buf_put(out, tail, 4) < 0)
        return -1;
    return 0;
}

/* A term's postings (read into ``s``, every length byte non-zero) in blocks of ``limit``
 * appended to ``post`` (starting at the postings file's ``start``) and its term-table value
 * to ``out``: what _block_term writes (uncompressed blocks, values of any length, protocol 4
 * pickles). 1: written; 0: not handled here (both as they were); -1: error. */
static int
block_value(Buf *out, Buf *post, Scratch *s, Py_ssize_t n, Py_ssize_t limit, long long start)
{
    Py_ssize_t pstart = post->len, ostart = out->len;
    double total = 0.0, maxweight = 0.0;
    long minb = 0, maxb = 0;
    if (buf_put(post, "W3Bl", 4) < 0)  /* WHOOSH3_HEADER_MAGIC */
        return -1;
    for (Py_ssize_t lo = 0; lo < n; lo += limit) {
        Py_ssize_t hi = lo + limit < n ? lo + limit : n, m = hi - lo;
        long lowb = 255, highb = 0;
        double top = 0.0, sum = 0.0;
        int ones = 1, same = 1;
        float w0 = (float)s->ws[lo];
        for (Py_ssize_t k = lo; k < hi; k++) {
            long lb = s->lbs[k];
            if (!lb)  /* a document without a length: Whoosh's posting writer's */
                goto undo;
            if (lb < lowb)
                lowb = lb;
            if (lb > highb)
                highb = lb;
            float w = (float)s->ws[k];
            sum += (double)w;
            if (s->ws[k] > top)
                top = s->ws[k];
            ones &= w == 1.0f;
            same &= w == w0;
        }
        total += sum;
        if (top > maxweight)
            maxweight = top;
        minb = lo == 0 ? lowb : (lowb < minb ? lowb : minb);
        if (highb > maxb)
            maxb = highb;
        /* the block: its size (negative for the last), its info and its data */
        Py_ssize_t at = post->len;
        if (buf_put(post, "\0\0\0\0", 4) < 0
            || block_info(post, m, s->ids[hi - 1], top, lowb, highb) < 0)
            return -1;
        Py_ssize_t memo = 0, frame = pk_start(post);
        if (frame < 0)
            return -1;
        if (m > 3 && buf_byte(post, '(') < 0)
            return -1;
        for (Py_ssize_t k = lo; k < hi; k++)
            if (pk_int(post, k == lo ? s->ids[k] : s->ids[k] - s->ids[k - 1]) < 0)
                return -1;
        if (pk_tuple_end(post, m, &memo) < 0)
            return -1;
        if (ones) {
            if (buf_byte(post, 'N') < 0)
                return -1;
        }
        else if (same) {
            if (pk_float(post, (double)w0) < 0)
                return -1;
        }
        else {
            if (m > 3 && buf_byte(post, '(') < 0)
                return -1;
            for (Py_ssize_t k = lo; k < hi; k++)
                if (pk_float(post, (double)(float)s->ws[k]) < 0)
                    return -1;
            if (pk_tuple_end(post, m, &memo) < 0)
                return -1;
        }
        Py_ssize_t v0 = lo ? s->vend[lo - 1] : 0;
        if (pk_values(post, s->vs + v0, s->vend[hi - 1] - v0, &memo, &s->set) < 0
            || pk_tuple_end(post, 3, &memo) < 0)
            return -1;
        int r = pk_end(post, frame);
        if (r < 0)
            return -1;
        if (r == 0)
            goto undo;
        Py_ssize_t size = post->len - at - 4;
        if (size > 0x7fffffff)
            goto undo;
        put_be32((unsigned char *)post->p + at, (uint32_t)(hi == n ? -size : size));
    }
    Py_ssize_t len = post->len - pstart;
    if (len > 0x7fffffff)
        goto undo;
    if (put_terminfo(out, 0, total, n, minb, maxb, maxweight, s->ids[0], s->ids[n - 1]) < 0
        || buf_reserve(out, 12) < 0)
        return -1;
    unsigned char *e = (unsigned char *)out->p + out->len;  /* pack_long, pack_int */
    uint64_t st = (uint64_t)(start + (long long)pstart);
    put_be32(e, (uint32_t)(st >> 32));
    put_be32(e + 4, (uint32_t)st);
    put_be32(e + 8, (uint32_t)len);
    out->len += 12;
    return 1;
undo:
    post->len = pstart;
    out->len = ostart;
    return 0;
}

/* The twins' check of a term's key against the last one: bytes order. */
static int
key_after(const char *key, Py_ssize_t n, const char *last, Py_ssize_t m)
{
    int c = memcmp(key, last, (size_t)(n < m ? n : m));
    return c > 0 || (c == 0 && n > m);
}

PyDoc_STRVAR(write_terms_doc,
"write_terms(names, ends, docs, weights, values, t, lo, fieldname, lbytes, prefix, inline,\n"
"            novalues, blocks, limit, at, lastkey)\n"
"-> (t, lo, entries, hashes, offsets, lastkey, postings)\n\n"
"The term-table entries (and posting blocks) of a record's terms from its t-th (its\n"
"postings from lo) as long as they are of ``fieldname`` and handled here: a term in at most\n"
"``inline`` documents inlined, another (if ``blocks`` and not ``novalues``) in blocks of\n"
"``limit`` postings written at ``at`` in the postings file. Gives the term and posting where\n"
"it stopped, the entries' bytes as the term table writes them (each key's and value's\n"
"length, the key, the value), each key's md5_hash (array('I') bytes), each entry's offset in\n"
"those bytes (int64), the last key written (``lastkey`` if none) and the posting blocks'\n"
"bytes.");

PyDoc_STRVAR(write_record_doc,
"write_record(names, ends, docs, freqs, lengths, joined, t, lo, fieldname, lbytes, prefix,\n"
"             inline, novalues, blocks, limit, at, lastkey)\n"
"-> (t, lo, entries, hashes, offsets, lastkey, postings)\n\n"
"write_terms of a sorted run's record as arrays (SortedRun._records): each posting's\n"
"document, frequency (its weight) and value length (int32 buffers) and the values joined:\n"
"no Python object per posting.");

/* Twin: the loop of ArchiveWriter._flush_segment over a record's terms, with _inline_term,
 * _block_term and the term table's add (_fast_term_table). */
static PyObject *
terms_loop(const Src *src, PyObject *names, PyObject *ends, Py_ssize_t t, Py_ssize_t lo,
           PyObject *fieldname, PyObject *lbytes, PyObject *prefix, Py_ssize_t inline_,
           int novalues, int blocks, Py_ssize_t limit, long long at, PyObject *lastkey)
{
    Py_ssize_t nt = PyList_GET_SIZE(names);
    Py_ssize_t np_ = src->n;
    if (PyList_GET_SIZE(ends) != nt || t < 0 || lo < 0 || limit < 1 || at < 0) {
        PyErr_SetString(PyExc_ValueError, "write_terms: a record's lists of different lengths");
        return NULL;
    }
    Buf out = {NULL, 0, 0}, key = {NULL, 0, 0}, last = {NULL, 0, 0}, hashes = {NULL, 0, 0},
        offsets = {NULL, 0, 0}, post = {NULL, 0, 0};
    Scratch s;
    memset(&s, 0, sizeof s);
    PyObject *result = NULL, *lastobj = NULL;
    if (buf_put(&last, PyBytes_AS_STRING(lastkey), PyBytes_GET_SIZE(lastkey)) < 0)
        goto done;
    int any = 0;
    for (; t < nt; t++) {
        PyObject *name = PyList_GET_ITEM(names, t);
        if (!PyTuple_CheckExact(name) || PyTuple_GET_SIZE(name) != 2)
            break;
        PyObject *f = PyTuple_GET_ITEM(name, 0);
        if (f != fieldname) {
            if (!PyUnicode_CheckExact(f))
                break;
            int eq = PyUnicode_Compare(f, fieldname);
            if (eq == -1 && PyErr_Occurred())
                goto done;
            if (eq != 0)
                break;
        }
        PyObject *e = PyList_GET_ITEM(ends, t);
        if (!PyLong_CheckExact(e))
            break;
        Py_ssize_t hi = PyLong_AsSsize_t(e);
        if (hi == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            break;
        }
        /* (blocks of a format without values: Whoosh's posting writer's) */
        if (hi <= lo || hi > np_ || (hi - lo > inline_ && (!blocks || novalues)))
            break;
        key.len = 0;
        if (buf_put(&key, PyBytes_AS_STRING(prefix), PyBytes_GET_SIZE(prefix)) < 0)
            goto done;
        int r = put_utf8(&key, PyTuple_GET_ITEM(name, 1));
        if (r < 0)
            goto done;
        if (r == 0 || key.len > 0x7fffffff || !key_after(key.p, key.len, last.p, last.len))
            break;
        r = read_postings(&s, src, lo, hi - lo, lbytes, novalues);
        if (r < 0)
            goto done;
        if (r == 0)
            break;
        Py_ssize_t entry = out.len;
        /* the entry: the key's and value's lengths ("!ii"), the key, the value */
        if (buf_put(&out, "\0\0\0\0\0\0\0\0", 8) < 0 || buf_put(&out, key.p, key.len) < 0)
            goto done;
        Py_ssize_t vstart = out.len;
        if (hi - lo <= inline_)
            r = inline_value(&out, &s, hi - lo, novalues);
        else
            r = block_value(&out, &post, &s, hi - lo, limit, at);
        if (r < 0)
            goto done;
        if (r == 0 || out.len - vstart > 0x7fffffff) {
            out.len = entry;
            break;
        }
        put_be32((unsigned char *)out.p + entry, (uint32_t)key.len);
        put_be32((unsigned char *)out.p + entry + 4, (uint32_t)(out.len - vstart));
        uint32_t h = md5_tail((const unsigned char *)key.p, (size_t)key.len);
        int64_t off = (int64_t)entry;
        if (buf_put(&hashes, &h, sizeof h) < 0 || buf_put(&offsets, &off, sizeof off) < 0)
            goto done;
        last.len = 0;
        if (buf_put(&last, key.p, key.len) < 0)
            goto done;
        lo = hi;
        any = 1;
    }
    if (any)
        lastobj = PyBytes_FromStringAndSize(last.p, last.len);
    else {
        lastobj = lastkey;
        Py_INCREF(lastobj);
    }
    if (lastobj == NULL)
        goto done;
    result = Py_BuildValue("nny#y#y#Oy#", t, lo, out.p ? out.p : "", out.len,
                           hashes.p ? hashes.p : "", hashes.len,
                           offsets.p ? offsets.p : "", offsets.len, lastobj,
                           post.p ? post.p : "", post.len);
done:
    Py_XDECREF(lastobj);
    PyMem_Free(out.p);
    PyMem_Free(key.p);
    PyMem_Free(last.p);
    PyMem_Free(hashes.p);
    PyMem_Free(offsets.p);
    PyMem_Free(post.p);
    scratch_free(&s);
    return result;
}

static PyObject *
write_terms(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *names, *ends, *docs, *weights, *values, *fieldname, *lbytes, *prefix, *lastkey;
    Py_ssize_t t, lo, inline_, limit;
    long long at;
    int novalues, blocks;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!nnUO!O!nppnLO!:write_terms",
                          &PyList_Type, &names, &PyList_Type, &ends, &PyList_Type, &docs,
                          &PyList_Type, &weights, &PyList_Type, &values, &t, &lo, &fieldname,
                          &PyList_Type, &lbytes, &PyBytes_Type, &prefix, &inline_, &novalues,
                          &blocks, &limit, &at, &PyBytes_Type, &lastkey))
        return NULL;
    Src src;
    memset(&src, 0, sizeof src);
    src.docs = docs;
    src.weights = weights;
    src.values = values;
    src.n = PyList_GET_SIZE(docs);
    if (PyList_GET_SIZE(weights) != src.n || (!novalues && PyList_GET_SIZE(values) != src.n)) {
        PyErr_SetString(PyExc_ValueError, "write_terms: lists of different lengths");
        return NULL;
    }
    return terms_loop(&src, names, ends, t, lo, fieldname, lbytes, prefix, inline_, novalues,
                      blocks, limit, at, lastkey);
}

static PyObject *
write_record(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *names, *ends, *docs, *freqs, *lengths, *fieldname, *lbytes, *prefix, *lastkey;
    Py_ssize_t t, lo, inline_, limit;
    long long at;
    int novalues, blocks;
    Py_buffer joined;
    if (!PyArg_ParseTuple(args, "O!O!OOOy*nnUO!O!nppnLO!:write_record",
                          &PyList_Type, &names, &PyList_Type, &ends, &docs, &freqs, &lengths,
                          &joined, &t, &lo, &fieldname, &PyList_Type, &lbytes, &PyBytes_Type,
                          &prefix, &inline_, &novalues, &blocks, &limit, &at, &PyBytes_Type,
                          &lastkey))
        return NULL;
    Src src;
    memset(&src, 0, sizeof src);
    src.arrays = 1;
    PyObject *result = NULL;
    int got = 0;
    if (PyObject_GetBuffer(docs, &src.adocs, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto done;
    got = 1;
    if (PyObject_GetBuffer(freqs, &src.afreqs, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto done;
    got = 2;
    if (PyObject_GetBuffer(lengths, &src.alens, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto done;
    got = 3;
    src.n = src.adocs.len / 4;
    const Py_buffer *bs[3] = {&src.adocs, &src.afreqs, &src.alens};
    for (int k = 0; k < 3; k++)
        if (bs[k]->itemsize != 4 || !int_format(bs[k]->format, "il")
            || bs[k]->len != src.n * 4) {
            PyErr_SetString(PyExc_ValueError,
                            "write_record: int32 documents, frequencies and lengths, as many");
            goto done;
        }
    src.starts = PyMem_Malloc((size_t)(src.n ? src.n : 1) * sizeof(int64_t));
    if (src.starts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t sum = 0;
    for (Py_ssize_t k = 0; k < src.n; k++) {
        int32_t len = ((const int32_t *)src.alens.buf)[k];
        if (len < 0) {
            PyErr_SetString(PyExc_ValueError, "write_record: a negative length");
            goto done;
        }
        src.starts[k] = sum;
        sum += len;
    }
    if (sum != joined.len) {
        PyErr_SetString(PyExc_ValueError, "write_record: the lengths are not the values'");
        goto done;
    }
    src.joined = (const char *)joined.buf;
    result = terms_loop(&src, names, ends, t, lo, fieldname, lbytes, prefix, inline_,
                        novalues, blocks, limit, at, lastkey);
done:
    PyMem_Free(src.starts);
    if (got >= 3)
        PyBuffer_Release(&src.alens);
    if (got >= 2)
        PyBuffer_Release(&src.afreqs);
    if (got >= 1)
        PyBuffer_Release(&src.adocs);
    PyBuffer_Release(&joined);
    return result;
}

/* ------------------------------------------------------------------ term ids */

PyDoc_STRVAR(term_table_doc,
"term_table(ids, terms, used, next, term_bytes) -> (table, next, size)\n\n"
"The buffer's id (in ``ids``, a field's dict of term ids) of each of ``terms`` whose byte in\n"
"``used`` is not 0, as int32 bytes (0 for the others); a new term gets the next id (in\n"
"order of first use, added to ``ids``). ``next``: the next id after them; ``size``: the\n"
"new terms' length plus ``term_bytes`` each.");

/* Twin: PackedBuffer.add_columns's _term_id_array over the used entries and the table made
 * from its ids (a dict look-up per distinct term without a list of the used terms, an
 * array of their ids and one of -1 for the new ones). */
static PyObject *
term_table(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *ids, *terms, *usedobj;
    Py_ssize_t next, term_bytes;
    if (!PyArg_ParseTuple(args, "O!O!Onn:term_table", &PyDict_Type, &ids, &PyList_Type,
                          &terms, &usedobj, &next, &term_bytes))
        return NULL;
    Py_buffer used;
    if (PyObject_GetBuffer(usedobj, &used, PyBUF_SIMPLE) < 0)
        return NULL;
    PyObject *result = NULL, *table = NULL;
    Py_ssize_t n = PyList_GET_SIZE(terms), size = 0;
    if (used.len != n) {
        PyErr_SetString(PyExc_ValueError, "term_table: one byte of used per term expected");
        goto done;
    }
    if (n > PY_SSIZE_T_MAX / 4) {
        PyErr_NoMemory();
        goto done;
    }
    table = PyBytes_FromStringAndSize(NULL, n * 4);
    if (table == NULL)
        goto done;
    int32_t *out = (int32_t *)PyBytes_AS_STRING(table);
    const unsigned char *mask = (const unsigned char *)used.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = 0;
        if (!mask[i])
            continue;
        /* (the list may change under a look-up's __eq__: read it again each time) */
        if (i >= PyList_GET_SIZE(terms)) {
            PyErr_SetString(PyExc_RuntimeError, "term_table: the terms changed");
            goto done;
        }
        PyObject *term = PyList_GET_ITEM(terms, i);
        Py_INCREF(term);
        PyObject *got = PyDict_GetItemWithError(ids, term);  /* borrowed */
        long id;
        if (got != NULL) {
            id = PyLong_AsLong(got);
            if (id == -1 && PyErr_Occurred()) {
                Py_DECREF(term);
                goto done;
            }
        }
        else if (PyErr_Occurred()) {
            Py_DECREF(term);
            goto done;
        }
        else {
            Py_ssize_t len = PyObject_Length(term);
            PyObject *num = len < 0 ? NULL : PyLong_FromSsize_t(next);
            if (num == NULL || PyDict_SetItem(ids, term, num) < 0) {
                Py_XDECREF(num);
                Py_DECREF(term);
                goto done;
            }
            Py_DECREF(num);
            id = (long)next++;
            size += len + term_bytes;
        }
        Py_DECREF(term);
        if (id < INT32_MIN || id > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "term_table: a term id beyond int32");
            goto done;
        }
        out[i] = (int32_t)id;
    }
    result = Py_BuildValue("Onn", table, next, size);
done:
    Py_XDECREF(table);
    PyBuffer_Release(&used);
    return result;
}

/* ------------------------------------------------------------------ a document's stream */

/* 1: ``b`` is ``o``'s buffer, C-contiguous, of integers (int_format) of ``size`` bytes;
 * 0: ``o`` is not one (not a buffer, another type, strided: the caller's twin reads it) */
static int
buffer_of(PyObject *o, Py_buffer *b, const char *letters, Py_ssize_t size)
{
    if (PyObject_GetBuffer(o, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        return 0;
    }
    if (b->itemsize == size && b->format != NULL
        && int_format(b->format, letters) && b->len % size == 0)
        return 1;
    PyBuffer_Release(b);
    return 0;
}

typedef struct {
    int32_t id;
    Py_ssize_t entry;
} IdEntry;

/* ``a`` (ids >= 0) by id: a radix sort a byte at a time, a byte all share skipped (a few
 * hundred entries a call: glibc's qsort, a merge sort, took some six times the work) */
static void
sort_by_id(IdEntry *a, IdEntry *tmp, Py_ssize_t n)
{
    IdEntry *src = a, *dst = tmp;
    for (int shift = 0; shift < 32; shift += 8) {
        Py_ssize_t at[257];
        memset(at, 0, sizeof at);
        for (Py_ssize_t i = 0; i < n; i++)
            at[(((uint32_t)src[i].id >> shift) & 255) + 1]++;
        int same = 0;
        for (int b = 1; b <= 256; b++)
            same |= at[b] == n;
        if (same)
            continue;
        for (int b = 0; b < 256; b++)
            at[b + 1] += at[b];
        for (Py_ssize_t i = 0; i < n; i++)
            dst[at[((uint32_t)src[i].id >> shift) & 255]++] = src[i];
        IdEntry *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, (size_t)n * sizeof(IdEntry));
}

PyDoc_STRVAR(add_stream_doc,
"add_stream(ids, terms, tids, positions, starts, ends, chars, next, term_bytes, data)\n"
"-> (distinct, freqs, length, next, size, nbytes) or None\n\n"
"PackedBuffer.add_columns of a ColumnStream's columns (tids: intp; positions, starts, ends:\n"
"uint32), in one call: the ids of its distinct terms but the empty one, ascending, and their\n"
"frequencies (int32 bytes), its number of items with a term, the next id, the new terms'\n"
"size (term_table's), and the bytes of its values appended to ``data`` (a bytearray: each\n"
"term's items in order, their position, and start and end if ``chars``, as uint32). None\n"
"if the columns are not of those types (nothing done).");

/* Twin: PackedBuffer.add_columns (the used entries' mask, _term_id_array, the table of
 * ids, then _add_ids: numpy's stable argsort of the items' ids and the gathers; some ten
 * numpy calls a field and document). Here the used entries are sorted by id (a few hundred)
 * and the items put in that order by a counting sort, stable: each term's items in order. */
static PyObject *
add_stream(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *ids, *terms, *tobj, *pobj, *sobj, *eobj, *data;
    int chars;
    Py_ssize_t next, term_bytes;
    if (!PyArg_ParseTuple(args, "O!O!OOOOpnnO!:add_stream", &PyDict_Type, &ids, &PyList_Type,
                          &terms, &tobj, &pobj, &sobj, &eobj, &chars, &next, &term_bytes,
                          &PyByteArray_Type, &data))
        return NULL;
    Py_buffer tb, pb, sb, eb;
    int got = 0;
    PyObject *result = NULL, *distinct = NULL, *freqs = NULL;
    int32_t *table = NULL;
    IdEntry *byid = NULL;
    Py_ssize_t *rank = NULL, *at = NULL, *order = NULL;
    if (!buffer_of(tobj, &tb, "lqn", 8))
        goto wrong;
    got = 1;
    if (!buffer_of(pobj, &pb, "IL", 4))
        goto wrong;
    got = 2;
    if (!buffer_of(sobj, &sb, "IL", 4))
        goto wrong;
    got = 3;
    if (!buffer_of(eobj, &eb, "IL", 4))
        goto wrong;
    got = 4;
    Py_ssize_t n = tb.len / 8, nterms = PyList_GET_SIZE(terms);
    if (pb.len != n * 4 || sb.len != n * 4 || eb.len != n * 4) {
        PyErr_SetString(PyExc_ValueError, "add_stream: columns of different lengths");
        goto done;
    }
    const int64_t *tids = (const int64_t *)tb.buf;
    const uint32_t *pos = (const uint32_t *)pb.buf, *st = (const uint32_t *)sb.buf,
                   *en = (const uint32_t *)eb.buf;
    table = PyMem_Calloc((size_t)(nterms ? nterms : 1), sizeof(int32_t));
    unsigned char *used = PyMem_Calloc((size_t)(nterms ? nterms : 1), 1);
    byid = PyMem_Malloc((size_t)(nterms ? 2 * nterms : 1) * sizeof(IdEntry));
    rank = PyMem_Malloc((size_t)(nterms ? nterms : 1) * sizeof(Py_ssize_t));
    at = PyMem_Malloc((size_t)(nterms + 1) * sizeof(Py_ssize_t));
    order = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    if (table == NULL || used == NULL || byid == NULL || rank == NULL || at == NULL
        || order == NULL) {
        PyMem_Free(used);
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (tids[i] < 0 || tids[i] >= nterms) {
            PyMem_Free(used);
            PyErr_SetString(PyExc_IndexError, "add_stream: an item's entry out of range");
            goto done;
        }
        used[tids[i]] = 1;
    }
    /* the used entries' ids (new terms numbered in order of first use), by id */
    Py_ssize_t size = 0, nused = 0;
    for (Py_ssize_t i = 0; i < nterms; i++) {
        if (!used[i])
            continue;
        if (i >= PyList_GET_SIZE(terms)) {
            PyMem_Free(used);
            PyErr_SetString(PyExc_RuntimeError, "add_stream: the terms changed");
            goto done;
        }
        PyObject *term = PyList_GET_ITEM(terms, i);
        Py_INCREF(term);
        PyObject *v = PyDict_GetItemWithError(ids, term);
        long id;
        if (v != NULL)
            id = PyLong_AsLong(v);
        else if (PyErr_Occurred())
            id = -1;
        else {
            Py_ssize_t len = PyObject_Length(term);
            PyObject *num = len < 0 ? NULL : PyLong_FromSsize_t(next);
            if (num == NULL || PyDict_SetItem(ids, term, num) < 0) {
                Py_XDECREF(num);
                id = -1;
            }
            else {
                Py_DECREF(num);
                id = (long)next++;
                size += len + term_bytes;
            }
        }
        Py_DECREF(term);
        if (id == -1 && PyErr_Occurred()) {
            PyMem_Free(used);
            goto done;
        }
        if (id < 0 || id > INT32_MAX) {
            PyMem_Free(used);
            PyErr_SetString(PyExc_OverflowError, "add_stream: a term id beyond int32");
            goto done;
        }
        table[i] = (int32_t)id;
        byid[nused].id = (int32_t)id;
        byid[nused].entry = i;
        nused++;
    }
    PyMem_Free(used);
    sort_by_id(byid, byid + nused, nused);
    /* each used entry's rank (entries of one term share it) and the terms' ids */
    Py_ssize_t nd = 0;
    for (Py_ssize_t k = 0; k < nused; k++) {
        if (k == 0 || byid[k].id != byid[k - 1].id)
            nd++;
        rank[byid[k].entry] = nd - 1;
    }
    /* the items by rank, stable (a counting sort) */
    for (Py_ssize_t k = 0; k <= nd; k++)
        at[k] = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        at[rank[tids[i]] + 1]++;
    for (Py_ssize_t k = 0; k < nd; k++)
        at[k + 1] += at[k];
    distinct = PyBytes_FromStringAndSize(NULL, 4 * nd);
    freqs = PyBytes_FromStringAndSize(NULL, 4 * nd);
    if (distinct == NULL || freqs == NULL)
        goto done;
    int32_t *dp = (int32_t *)PyBytes_AS_STRING(distinct), *fp = (int32_t *)PyBytes_AS_STRING(freqs);
    Py_ssize_t nd_out = 0, skip = 0;
    for (Py_ssize_t k = 0, d = -1; k < nused; k++) {
        if (byid[k].id == (k ? byid[k - 1].id : -1))
            continue;
        d++;
        if (byid[k].id == 0) {  /* the empty term: not indexed (its id sorts first) */
            skip = at[d + 1] - at[d];
            continue;
        }
        dp[nd_out] = byid[k].id;
        fp[nd_out] = (int32_t)(at[d + 1] - at[d]);
        nd_out++;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        order[at[rank[tids[i]]]++] = i;
    Py_ssize_t length = n - skip, width = chars ? 12 : 4, nbytes = 0;
    if (length > 0) {
        nbytes = length * width;
        Py_ssize_t old = PyByteArray_GET_SIZE(data);
        if (PyByteArray_Resize(data, old + nbytes) < 0)
            goto done;
        uint32_t *w = (uint32_t *)(void *)(PyByteArray_AS_STRING(data) + old);
        for (Py_ssize_t k = skip; k < n; k++) {  /* (the empty term's items come first) */
            Py_ssize_t i = order[k];
            uint32_t item[3] = {pos[i], st[i], en[i]};
            memcpy(w, item, (size_t)width);
            w += width / 4;
        }
    }
    if (_PyBytes_Resize(&distinct, 4 * nd_out) < 0 || _PyBytes_Resize(&freqs, 4 * nd_out) < 0)
        goto done;
    result = Py_BuildValue("OOnnnn", distinct, freqs, length, next, size, nbytes);
    goto done;
wrong:  /* columns of other types: the twin's */
    result = Py_None;
    Py_INCREF(result);
done:
    Py_XDECREF(distinct);
    Py_XDECREF(freqs);
    PyMem_Free(table);
    PyMem_Free(byid);
    PyMem_Free(rank);
    PyMem_Free(at);
    PyMem_Free(order);
    if (got >= 4)
        PyBuffer_Release(&eb);
    if (got >= 3)
        PyBuffer_Release(&sb);
    if (got >= 2)
        PyBuffer_Release(&pb);
    if (got >= 1)
        PyBuffer_Release(&tb);
    return result;
}

/* ------------------------------------------------------------------ hash tables */

PyDoc_STRVAR(hash_tables_doc,
"hash_tables(hashes, positions) -> (tables, counts)\n\n"
"The 256 hash tables of Whoosh's term table (OrderedHashWriter._write_hashes) from each\n"
"entry's md5_hash (uint32 buffer) and position (int64 buffer), in the order added: the\n"
"tables' bytes one after another, and each bucket's number of entries (its table has twice\n"
"as many slots, 12 bytes each: the hash, '>u4', and the position, '>i8').");

/* Twin: write_hashes of _fast_term_table (numpy a bucket at a time, the slots found by a
 * Python loop per entry). An entry's bucket is its hash & 255; its slot in the bucket's table
 * is (hash >> 8) % slots or, taken, the next free one, in the order the entries were added;
 * an empty slot stays (0, 0). */
static PyObject *
hash_tables(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *hobj, *pobj;
    if (!PyArg_ParseTuple(args, "OO:hash_tables", &hobj, &pobj))
        return NULL;
    Py_buffer hb, pb;
    if (PyObject_GetBuffer(hobj, &hb, PyBUF_SIMPLE) < 0)
        return NULL;
    if (PyObject_GetBuffer(pobj, &pb, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&hb);
        return NULL;
    }
    PyObject *result = NULL, *tables = NULL, *counts = NULL;
    Py_ssize_t *order = NULL;
    unsigned char *taken = NULL;
    Py_ssize_t n = hb.len / 4;
    if (hb.len % 4 || pb.len != n * 8) {
        PyErr_SetString(PyExc_ValueError, "hash_tables: a position (int64) per hash (uint32)");
        goto done;
    }
    if (n > PY_SSIZE_T_MAX / 24) {
        PyErr_NoMemory();
        goto done;
    }
    const unsigned char *hp = (const unsigned char *)hb.buf;
    const unsigned char *pp = (const unsigned char *)pb.buf;
    Py_ssize_t count[256] = {0}, start[257];
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t h;
        memcpy(&h, hp + 4 * i, 4);
        count[h & 255]++;
    }
    start[0] = 0;
    for (int b = 0; b < 256; b++)
        start[b + 1] = start[b] + count[b];
    order = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    taken = PyMem_Malloc((size_t)(2 * n + 1));
    if (order == NULL || taken == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    {
        Py_ssize_t fill[256];
        memcpy(fill, start, sizeof fill);
        for (Py_ssize_t i = 0; i < n; i++) {  /* stable: each bucket's in the order added */
            uint32_t h;
            memcpy(&h, hp + 4 * i, 4);
            order[fill[h & 255]++] = i;
        }
    }
    tables = PyBytes_FromStringAndSize(NULL, 24 * n);
    if (tables == NULL)
        goto done;
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(tables);
    memset(out, 0, (size_t)(24 * n));
    counts = PyList_New(256);
    if (counts == NULL)
        goto done;
    for (int b = 0; b < 256; b++) {
        PyObject *c = PyLong_FromSsize_t(count[b]);
        if (c == NULL)
            goto done;
        PyList_SET_ITEM(counts, b, c);
        Py_ssize_t slots = 2 * count[b];
        if (!slots)
            continue;
        memset(taken, 0, (size_t)slots);
        unsigned char *table = out + 24 * start[b];
        for (Py_ssize_t k = start[b]; k < start[b + 1]; k++) {
            Py_ssize_t i = order[k];
            uint32_t h;
            int64_t at;
            memcpy(&h, hp + 4 * i, 4);
            memcpy(&at, pp + 8 * i, 8);
            Py_ssize_t slot = (Py_ssize_t)((h >> 8) % (uint64_t)slots);
            while (taken[slot])
                slot = slot + 1 == slots ? 0 : slot + 1;
            taken[slot] = 1;
            unsigned char *e = table + 12 * slot;
            put_be32(e, h);
            put_be32(e + 4, (uint32_t)((uint64_t)at >> 32));
            put_be32(e + 8, (uint32_t)(uint64_t)at);
        }
    }
    result = PyTuple_Pack(2, tables, counts);
done:
    Py_XDECREF(tables);
    Py_XDECREF(counts);
    PyMem_Free(order);
    PyMem_Free(taken);
    PyBuffer_Release(&hb);
    PyBuffer_Release(&pb);
    return result;
}

/* ------------------------------------------------------------------ a field's terms ranked */

/* Python's order of two str (code points, then the shorter first); identity first: a
 * field's name is one object in every record. */
static int
str_cmp(PyObject *x, PyObject *y)
{
    if (x == y)
        return 0;
    int kx = PyUnicode_KIND(x), ky = PyUnicode_KIND(y);
    const void *dx = PyUnicode_DATA(x), *dy = PyUnicode_DATA(y);
    Py_ssize_t nx = PyUnicode_GET_LENGTH(x), ny = PyUnicode_GET_LENGTH(y);
    Py_ssize_t n = nx < ny ? nx : ny;
    if (kx == PyUnicode_1BYTE_KIND && ky == PyUnicode_1BYTE_KIND) {
        int c = memcmp(dx, dy, (size_t)n);
        if (c)
            return c < 0 ? -1 : 1;
    }
    else if (kx == PyUnicode_2BYTE_KIND && ky == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *a = dx, *b = dy;
        for (Py_ssize_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return a[i] < b[i] ? -1 : 1;
    }
    else {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 cx = PyUnicode_READ(kx, dx, i), cy = PyUnicode_READ(ky, dy, i);
            if (cx != cy)
                return cx < cy ? -1 : 1;
        }
    }
    return nx < ny ? -1 : nx > ny;
}

/* A term with the first six code points (21 bits each, three to a word, 0 past its end) as
 * its sort key: most comparisons are decided by the two words, without reading the string
 * (and a term's id from the dict's own entry: no look-up per term). */
typedef struct {
    uint64_t k0, k1;
    PyObject *term;
    Py_ssize_t id;
} RankEntry;

static void
rank_key(RankEntry *e)
{
    PyObject *s = e->term;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    uint64_t k[2] = {0, 0};
    for (Py_ssize_t i = 0; i < 6 && i < n; i++)
        k[i / 3] |= (uint64_t)PyUnicode_READ(kind, data, i) << (42 - 21 * (i % 3));
    e->k0 = k[0];
    e->k1 = k[1];
}

/* The order of Python's str comparison; the keys decide unless both start alike. */
static int
rank_cmp(const RankEntry *a, const RankEntry *b)
{
    if (a->k0 != b->k0)
        return a->k0 < b->k0 ? -1 : 1;
    if (a->k1 != b->k1)
        return a->k1 < b->k1 ? -1 : 1;
    return str_cmp(a->term, b->term);
}

/* ``a`` sorted (a merge sort: stable, though the terms of a dict are distinct anyway) */
static void
rank_sort(RankEntry *a, RankEntry *tmp, Py_ssize_t n)
{
    if (n < 16) {  /* insertion sort of the small runs */
        for (Py_ssize_t i = 1; i < n; i++) {
            RankEntry e = a[i];
            Py_ssize_t j = i;
            while (j > 0 && rank_cmp(&e, &a[j - 1]) < 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = e;
        }
        return;
    }
    Py_ssize_t h = n / 2;
    rank_sort(a, tmp, h);
    rank_sort(a + h, tmp, n - h);
    if (rank_cmp(&a[h - 1], &a[h]) <= 0)
        return;
    memcpy(tmp, a, (size_t)h * sizeof *a);
    Py_ssize_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        a[k++] = rank_cmp(&a[j], &tmp[i]) < 0 ? a[j++] : tmp[i++];
    while (i < h)
        a[k++] = tmp[i++];
}

PyDoc_STRVAR(rank_terms_doc,
"rank_terms(fieldname, ids, rank, first) -> names\n\n"
"The terms of ``ids`` (a field's dict: term -> id) in code point order as ``(fieldname,\n"
"term)`` tuples; each term's rank (``first`` for the first, then one more each) written at\n"
"its id in ``rank`` (a writable int32 array: every id must be an index of it).");

/* Twin: the loop over a field of PackedBuffer.sorted (``sorted(d)``, the ranks set through a
 * look-up of each term's id, the names zipped). */
static PyObject *
rank_terms(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *fieldname, *ids, *rankobj;
    Py_ssize_t first;
    if (!PyArg_ParseTuple(args, "UO!On:rank_terms", &fieldname, &PyDict_Type, &ids, &rankobj,
                          &first))
        return NULL;
    Py_buffer rb;
    if (PyObject_GetBuffer(rankobj, &rb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0)
        return NULL;
    PyObject *names = NULL;
    RankEntry *entries = NULL, *tmp = NULL;
    if (rb.itemsize != 4 || !int_format(rb.format, "il")) {
        PyErr_SetString(PyExc_TypeError, "rank_terms: rank must be an int32 array");
        goto done;
    }
    Py_ssize_t nrank = rb.len / 4, n = PyDict_GET_SIZE(ids);
    if (first < 0 || first > INT32_MAX - n) {
        PyErr_SetString(PyExc_OverflowError, "rank_terms: ranks beyond int32");
        goto done;
    }
    if ((size_t)n > PY_SSIZE_T_MAX / (2 * sizeof(RankEntry))) {
        PyErr_NoMemory();
        goto done;
    }
    entries = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(RankEntry));
    tmp = PyMem_Malloc((size_t)(n / 2 + 1) * sizeof(RankEntry));
    if (entries == NULL || tmp == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t pos = 0, k = 0;
    PyObject *key, *value;
    while (PyDict_Next(ids, &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "rank_terms: a term that is not a str");
            goto done;
        }
        Py_ssize_t id = PyLong_Check(value) ? PyLong_AsSsize_t(value) : -1;
        if (id == -1 && PyErr_Occurred())
            PyErr_Clear();
        if (id < 0 || id >= nrank) {
            PyErr_SetString(PyExc_ValueError, "rank_terms: an id that is not an index of rank");
            goto done;
        }
        entries[k].term = key;
        entries[k].id = id;
        rank_key(&entries[k]);
        k++;
    }
    rank_sort(entries, tmp, n);
    names = PyList_New(n);
    if (names == NULL)
        goto done;
    int32_t *rank = (int32_t *)rb.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        rank[entries[i].id] = (int32_t)(first + i);
        PyObject *name = PyTuple_Pack(2, fieldname, entries[i].term);
        if (name == NULL) {
            Py_CLEAR(names);
            goto done;
        }
        PyList_SET_ITEM(names, i, name);
    }
done:
    PyMem_Free(entries);
    PyMem_Free(tmp);
    PyBuffer_Release(&rb);
    return names;
}

/* ------------------------------------------------------------------ a round of a merge */

/* 1: ``o`` is a (field, term) name, two str */
static int
is_name(PyObject *o)
{
    return PyTuple_CheckExact(o) && PyTuple_GET_SIZE(o) == 2
           && PyUnicode_CheckExact(PyTuple_GET_ITEM(o, 0))
           && PyUnicode_CheckExact(PyTuple_GET_ITEM(o, 1));
}

static int
name_cmp(PyObject *a, PyObject *b)
{
    int c = str_cmp(PyTuple_GET_ITEM(a, 0), PyTuple_GET_ITEM(b, 0));
    return c ? c : str_cmp(PyTuple_GET_ITEM(a, 1), PyTuple_GET_ITEM(b, 1));
}

/* One source of a round: its record's names and arrays, its terms lo..hi, the next (k). */
typedef struct {
    PyObject *names;
    Py_buffer bounds, docs, freqs, lens, vst, joined;
    int held;  /* the buffers got */
    Py_ssize_t lo, hi, k, n;
} MergeSrc;

static void
merge_src_release(MergeSrc *m)
{
    Py_buffer *bs[6] = {&m->bounds, &m->docs, &m->freqs, &m->lens, &m->vst, &m->joined};
    for (int b = 0; b < m->held; b++)
        PyBuffer_Release(bs[b]);
    m->held = 0;
}

/* 1: the record and its range are read (0: something the twin reads instead; -1: error) */
static int
merge_src_get(MergeSrc *m, PyObject *rec, PyObject *vst, PyObject *lo, PyObject *hi)
{
    if (!PyTuple_Check(rec) || PyTuple_GET_SIZE(rec) != 6
        || !PyList_CheckExact(PyTuple_GET_ITEM(rec, 0)) || !PyLong_Check(lo) || !PyLong_Check(hi))
        return 0;
    m->names = PyTuple_GET_ITEM(rec, 0);
    m->lo = PyLong_AsSsize_t(lo);
    m->hi = PyLong_AsSsize_t(hi);
    if ((m->lo == -1 || m->hi == -1) && PyErr_Occurred())
        return -1;
    m->k = m->lo;
    if (!buffer_of(PyTuple_GET_ITEM(rec, 1), &m->bounds, "lq", 8))
        return 0;
    m->held = 1;
    if (!buffer_of(PyTuple_GET_ITEM(rec, 2), &m->docs, "il", 4))
        return 0;
    m->held = 2;
    if (!buffer_of(PyTuple_GET_ITEM(rec, 3), &m->freqs, "il", 4))
        return 0;
    m->held = 3;
    if (!buffer_of(PyTuple_GET_ITEM(rec, 4), &m->lens, "il", 4))
        return 0;
    m->held = 4;
    if (!buffer_of(vst, &m->vst, "lq", 8))
        return 0;
    m->held = 5;
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(rec, 5), &m->joined, PyBUF_SIMPLE) < 0) {
        PyErr_Clear();
        return 0;
    }
    m->held = 6;
    m->n = m->docs.len / 4;
    Py_ssize_t nt = m->bounds.len / 8;
    const int64_t *b = m->bounds.buf, *v = m->vst.buf;
    if (m->freqs.len / 4 != m->n || m->lens.len / 4 != m->n || m->vst.len / 8 != m->n + 1
        || m->lo < 0 || m->lo > m->hi || m->hi > nt || m->hi > PyList_GET_SIZE(m->names)) {
        PyErr_SetString(PyExc_ValueError, "merge_round: a record's arrays disagree");
        return -1;
    }
    /* every bound and value start read below is in its arrays, in order */
    int64_t last = m->lo ? b[m->lo - 1] : 0;
    for (Py_ssize_t k = m->lo; k < m->hi; k++) {
        if (b[k] < last || b[k] > m->n) {
            PyErr_SetString(PyExc_ValueError, "merge_round: a record's bounds are not in order");
            return -1;
        }
        last = b[k];
    }
    if (last < 0 || (m->lo < m->hi && (v[m->lo ? b[m->lo - 1] : 0] < 0 || v[last] > m->joined.len
                                       || v[m->lo ? b[m->lo - 1] : 0] > v[last]))) {
        PyErr_SetString(PyExc_ValueError, "merge_round: a record's value starts are not its");
        return -1;
    }
    for (Py_ssize_t k = m->lo; k < m->hi; k++)
        if (!is_name(PyList_GET_ITEM(m->names, k)))
            return 0;
    return 1;
}

PyDoc_STRVAR(merge_round_doc,
"merge_round(records, vstarts, los, his) -> (names, bounds, docs, freqs, lengths, joined,\n"
"disordered) or None\n\n"
"One round of _merge_arrays: the terms ``los[i]:his[i]`` of each record (Arrays: names,\n"
"int64 term ends, int32 documents, frequencies and value lengths, the values joined;\n"
"``vstarts[i]``: each posting's value start in the joined bytes and the end, int64) merged\n"
"by (name, source), a term's parts one after the other; the numbers as bytes (bounds int64,\n"
"the others int32). ``disordered``: a term has two parts and a term's documents do not\n"
"ascend. None: something the Python twin reads (a name that is not two str, other arrays).");

/* Twin: the round of _merge_arrays (the entries of each source sorted by (name, source), the
 * postings gathered by numpy, the values' pieces joined): a k-way merge of the records'
 * names, each part copied in place, no Python object per term but the names list. */
static PyObject *
merge_round(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *records, *vstarts, *los, *his;
    if (!PyArg_ParseTuple(args, "O!O!O!O!:merge_round", &PyList_Type, &records, &PyList_Type,
                          &vstarts, &PyList_Type, &los, &PyList_Type, &his))
        return NULL;
    Py_ssize_t ns = PyList_GET_SIZE(records);
    if (PyList_GET_SIZE(vstarts) != ns || PyList_GET_SIZE(los) != ns
        || PyList_GET_SIZE(his) != ns) {
        PyErr_SetString(PyExc_ValueError, "merge_round: as many records, starts and ranges");
        return NULL;
    }
    MergeSrc *src = PyMem_Calloc((size_t)(ns ? ns : 1), sizeof(MergeSrc));
    if (src == NULL)
        return PyErr_NoMemory();
    PyObject *result = NULL, *names = NULL, *obounds = NULL, *odocs = NULL, *ofreqs = NULL;
    PyObject *olens = NULL, *ojoined = NULL;
    Py_ssize_t p = 0, v = 0, terms = 0;
    for (Py_ssize_t i = 0; i < ns; i++) {
        int ok = merge_src_get(&src[i], PyList_GET_ITEM(records, i),
                               PyList_GET_ITEM(vstarts, i), PyList_GET_ITEM(los, i),
                               PyList_GET_ITEM(his, i));
        if (ok < 0)
            goto done;
        if (ok == 0) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        MergeSrc *m = &src[i];
        if (m->lo < m->hi) {
            const int64_t *b = m->bounds.buf, *vs = m->vst.buf;
            int64_t p0 = m->lo ? b[m->lo - 1] : 0, p1 = b[m->hi - 1];
            p += (Py_ssize_t)(p1 - p0);
            v += (Py_ssize_t)(vs[p1] - vs[p0]);
            terms += m->hi - m->lo;
        }
    }
    if (p > PY_SSIZE_T_MAX / 8 || terms > PY_SSIZE_T_MAX / 8) {
        PyErr_NoMemory();
        goto done;
    }
    names = PyList_New(0);
    obounds = PyBytes_FromStringAndSize(NULL, 8 * terms);
    odocs = PyBytes_FromStringAndSize(NULL, 4 * p);
    ofreqs = PyBytes_FromStringAndSize(NULL, 4 * p);
    olens = PyBytes_FromStringAndSize(NULL, 4 * p);
    ojoined = PyBytes_FromStringAndSize(NULL, v);
    if (!names || !obounds || !odocs || !ofreqs || !olens || !ojoined)
        goto done;
    int64_t *bout = (int64_t *)PyBytes_AS_STRING(obounds);
    int32_t *dout = (int32_t *)PyBytes_AS_STRING(odocs);
    char *fout = PyBytes_AS_STRING(ofreqs), *lout = PyBytes_AS_STRING(olens);
    char *jout = PyBytes_AS_STRING(ojoined);
    Py_ssize_t nt = 0, at = 0, vat = 0;
    int multi = 0, disorder = 0;
    for (;;) {
        Py_ssize_t best = -1;
        PyObject *name = NULL;
        for (Py_ssize_t i = 0; i < ns; i++) {  /* the first source of the lowest name */
            if (src[i].k >= src[i].hi)
                continue;
            PyObject *head = PyList_GET_ITEM(src[i].names, src[i].k);
            if (best < 0 || name_cmp(head, name) < 0) {
                best = i;
                name = head;
            }
        }
        if (best < 0)
            break;
        if (PyList_Append(names, name) < 0)
            goto done;
        int parts = 0;
        Py_ssize_t first = at;
        for (Py_ssize_t i = best; i < ns; i++) {
            MergeSrc *m = &src[i];
            if (m->k >= m->hi)
                continue;
            PyObject *head = PyList_GET_ITEM(m->names, m->k);
            if (i != best && name_cmp(head, name) != 0)
                continue;
            const int64_t *b = m->bounds.buf, *vs = m->vst.buf;
            Py_ssize_t p0 = (Py_ssize_t)(m->k ? b[m->k - 1] : 0), p1 = (Py_ssize_t)b[m->k];
            Py_ssize_t np_ = p1 - p0, v0 = (Py_ssize_t)vs[p0], nv = (Py_ssize_t)(vs[p1] - vs[p0]);
            if (nv < 0 || v0 < 0 || v0 + nv > m->joined.len || vat + nv > v || at + np_ > p) {
                PyErr_SetString(PyExc_ValueError, "merge_round: value starts out of order");
                goto done;
            }
            memcpy(dout + at, (const int32_t *)m->docs.buf + p0, (size_t)np_ * 4);
            memcpy(fout + 4 * at, (const char *)m->freqs.buf + 4 * p0, (size_t)np_ * 4);
            memcpy(lout + 4 * at, (const char *)m->lens.buf + 4 * p0, (size_t)np_ * 4);
            memcpy(jout + vat, (const char *)m->joined.buf + v0, (size_t)nv);
            at += np_;
            vat += nv;
            m->k++;
            parts++;
        }
        for (Py_ssize_t q = first + 1; q < at && !disorder; q++)
            if (dout[q] <= dout[q - 1])
                disorder = 1;
        if (parts > 1)
            multi = 1;
        bout[nt++] = at;
    }
    if (at != p || vat != v) {
        PyErr_SetString(PyExc_ValueError, "merge_round: the values are not the postings'");
        goto done;
    }
    if (nt < terms && _PyBytes_Resize(&obounds, 8 * nt) < 0)
        goto done;
    result = Py_BuildValue("(OOOOOOO)", names, obounds, odocs, ofreqs, olens, ojoined,
                           multi && disorder ? Py_True : Py_False);
done:
    for (Py_ssize_t i = 0; i < ns; i++)
        merge_src_release(&src[i]);
    PyMem_Free(src);
    Py_XDECREF(names);
    Py_XDECREF(obounds);
    Py_XDECREF(odocs);
    Py_XDECREF(ofreqs);
    Py_XDECREF(olens);
    Py_XDECREF(ojoined);
    return result;
}

/* ------------------------------------------------------------------ a buffer's postings sorted */

PyDoc_STRVAR(sort_buffer_doc,
"sort_buffer(rank, names, tids, freqs, widths, docs) -> (names, sizes, docs, freqs, starts,\n"
"lengths) or None\n\n"
"PackedBuffer.sorted's postings in (field, term) order: per chunk k (a document's field)\n"
"its term ids ``tids[k]`` and frequencies ``freqs[k]`` (int32 arrays), its values' width\n"
"``widths[k]`` (an int: each value is the frequency times it) or lengths (an int32 array),\n"
"its document ``docs[k]``; ``rank`` (int32) each id's place in ``names``. Gives the names of\n"
"the terms present and, as bytes, their numbers of postings (int32), and per posting in\n"
"(rank, order added) its document, frequency, value length (int32) and value start in the\n"
"buffer's bytes (int64). None: something the Python twin reads (another type, a length\n"
"beyond int32).");

/* Twin: PackedBuffer.sorted after the ranks (the ranks gathered, numpy's sort of rank and
 * place, the arrays gathered in that order): a counting sort by rank, each posting put in
 * its place in one pass (stable: in the order added), no array of the whole buffer but the
 * outputs. */
static PyObject *
sort_buffer(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *rankobj, *names, *tids, *freqs, *widths, *docs;
    if (!PyArg_ParseTuple(args, "OO!O!O!O!O!:sort_buffer", &rankobj, &PyList_Type, &names,
                          &PyList_Type, &tids, &PyList_Type, &freqs, &PyList_Type, &widths,
                          &PyList_Type, &docs))
        return NULL;
    Py_ssize_t nc = PyList_GET_SIZE(tids);
    if (PyList_GET_SIZE(freqs) != nc || PyList_GET_SIZE(widths) != nc
        || PyList_GET_SIZE(docs) != nc) {
        PyErr_SetString(PyExc_ValueError, "sort_buffer: as many chunks of each");
        return NULL;
    }
    Py_buffer rb;
    if (!buffer_of(rankobj, &rb, "il", 4))
        Py_RETURN_NONE;
    PyObject *result = NULL, *present = NULL, *osizes = NULL, *odocs = NULL, *ofreqs = NULL;
    PyObject *ostarts = NULL, *olens = NULL;
    int64_t *next = NULL;
    Py_ssize_t nrank = rb.len / 4, nnames = PyList_GET_SIZE(names), n = 0, held = 0;
    const int32_t *rank = rb.buf;
    /* each chunk's buffers, got once (released at the end) */
    Py_buffer *bufs = PyMem_Calloc((size_t)(3 * nc + 1), sizeof(Py_buffer));
    unsigned char *has_lens = PyMem_Calloc((size_t)(nc + 1), 1);
    int32_t *cdocs = PyMem_Malloc((size_t)(nc + 1) * sizeof(int32_t));
    int32_t *cwidth = PyMem_Malloc((size_t)(nc + 1) * sizeof(int32_t));
    next = PyMem_Calloc((size_t)(nnames + 1), sizeof(int64_t));
    if (!bufs || !has_lens || !cdocs || !cwidth || !next) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < nc; k++) {
        Py_buffer *tb = &bufs[3 * k], *fb = &bufs[3 * k + 1], *lb = &bufs[3 * k + 2];
        if (!buffer_of(PyList_GET_ITEM(tids, k), tb, "il", 4))
            goto twin;
        held++;
        if (!buffer_of(PyList_GET_ITEM(freqs, k), fb, "il", 4)) {
            PyBuffer_Release(tb);
            held--;
            goto twin;
        }
        held++;
        PyObject *w = PyList_GET_ITEM(widths, k), *d = PyList_GET_ITEM(docs, k);
        if (!PyLong_CheckExact(d))
            goto twin;
        long dv = PyLong_AsLong(d);
        if (dv == -1 && PyErr_Occurred())
            goto error;
        if (dv < INT32_MIN || dv > INT32_MAX)
            goto twin;
        cdocs[k] = (int32_t)dv;
        Py_ssize_t m = tb->len / 4;
        if (fb->len / 4 != m) {
            PyErr_SetString(PyExc_ValueError, "sort_buffer: a chunk's ids and frequencies differ");
            goto error;
        }
        if (PyLong_CheckExact(w)) {
            long wv = PyLong_AsLong(w);
            if (wv == -1 && PyErr_Occurred())
                goto error;
            if (wv < 0 || wv > INT32_MAX)
                goto twin;
            cwidth[k] = (int32_t)wv;
        }
        else {
            if (!buffer_of(w, lb, "il", 4))
                goto twin;
            held++;
            has_lens[k] = 1;
            if (lb->len / 4 != m) {
                PyErr_SetString(PyExc_ValueError, "sort_buffer: a chunk's ids and lengths differ");
                goto error;
            }
        }
        const int32_t *t = tb->buf;
        for (Py_ssize_t j = 0; j < m; j++) {
            if (t[j] < 0 || t[j] >= nrank) {
                PyErr_SetString(PyExc_ValueError, "sort_buffer: a term id beyond the ranks");
                goto error;
            }
            int32_t r = rank[t[j]];
            if (r < 0 || r >= nnames) {
                PyErr_SetString(PyExc_ValueError, "sort_buffer: a rank without a name");
                goto error;
            }
            next[r]++;
        }
        n += m;
    }
    if (n > PY_SSIZE_T_MAX / 8) {
        PyErr_NoMemory();
        goto error;
    }
    /* the present ranks' names and sizes; next[r]: where rank r's postings start */
    Py_ssize_t npresent = 0;
    for (Py_ssize_t r = 0; r < nnames; r++)
        npresent += next[r] != 0;
    present = PyList_New(npresent);
    osizes = PyByteArray_FromStringAndSize(NULL, 4 * npresent);
    odocs = PyByteArray_FromStringAndSize(NULL, 4 * n);
    ofreqs = PyByteArray_FromStringAndSize(NULL, 4 * n);
    olens = PyByteArray_FromStringAndSize(NULL, 4 * n);
    ostarts = PyByteArray_FromStringAndSize(NULL, 8 * n);
    if (!present || !osizes || !odocs || !ofreqs || !olens || !ostarts)
        goto error;
    {
        int32_t *sz = (int32_t *)PyByteArray_AS_STRING(osizes);
        int64_t at = 0;
        Py_ssize_t p = 0;
        for (Py_ssize_t r = 0; r < nnames; r++) {
            int64_t c = next[r];
            if (!c)
                continue;
            if (c > INT32_MAX)
                goto twin;  /* (numpy's int32 sizes would wrap) */
            PyObject *name = PyList_GET_ITEM(names, r);
            PyList_SET_ITEM(present, p, Py_NewRef(name));
            sz[p++] = (int32_t)c;
            next[r] = at;
            at += c;
        }
    }
    {
        int32_t *od = (int32_t *)PyByteArray_AS_STRING(odocs);
        int32_t *of = (int32_t *)PyByteArray_AS_STRING(ofreqs);
        int32_t *ol = (int32_t *)PyByteArray_AS_STRING(olens);
        int64_t *os = (int64_t *)PyByteArray_AS_STRING(ostarts);
        int64_t value = 0;  /* the next value's start in the buffer's bytes */
        for (Py_ssize_t k = 0; k < nc; k++) {
            const int32_t *t = bufs[3 * k].buf, *f = bufs[3 * k + 1].buf;
            const int32_t *l = has_lens[k] ? bufs[3 * k + 2].buf : NULL;
            Py_ssize_t m = bufs[3 * k].len / 4;
            for (Py_ssize_t j = 0; j < m; j++) {
                int64_t len = l ? (int64_t)l[j] : (int64_t)f[j] * cwidth[k];
                if (len < INT32_MIN || len > INT32_MAX)
                    goto twin;  /* numpy's int32 product would wrap: the twin's */
                int64_t pos = next[rank[t[j]]]++;
                od[pos] = cdocs[k];
                of[pos] = f[j];
                ol[pos] = (int32_t)len;
                os[pos] = value;
                value += len;
            }
        }
    }
    result = Py_BuildValue("(OOOOOO)", present, osizes, odocs, ofreqs, ostarts, olens);
    goto error;  /* (the common exit) */
twin:
    result = Py_NewRef(Py_None);
error:
done:
    if (bufs != NULL) {
        /* release in the order got: a chunk's ids, frequencies, then its lengths if any */
        Py_ssize_t left = held;
        for (Py_ssize_t k = 0; k < nc && left > 0; k++) {
            for (int b = 0; b < 3 && left > 0; b++) {
                if (b == 2 && !has_lens[k])
                    continue;
                PyBuffer_Release(&bufs[3 * k + b]);
                left--;
            }
        }
    }
    PyMem_Free(bufs);
    PyMem_Free(has_lens);
    PyMem_Free(cdocs);
    PyMem_Free(cwidth);
    PyMem_Free(next);
    Py_XDECREF(present);
    Py_XDECREF(osizes);
    Py_XDECREF(odocs);
    Py_XDECREF(ofreqs);
    Py_XDECREF(ostarts);
    Py_XDECREF(olens);
    PyBuffer_Release(&rb);
    return result;
}

/* ------------------------------------------------------------------ an article's root counts */

PyDoc_STRVAR(entry_counts_doc,
"entry_counts(counts, terms, tids) -> counts\n\n"
"Each item's term counted into ``counts`` (a dict: term -> int), the items given as their\n"
"entries ``tids`` (an array of intp) in ``terms``: the entries in increasing order, each\n"
"adding its number of items to its term's count (entries of one term add up). None: ``tids``\n"
"is not an array the C reads (the twin's).");

/* Twin: the loop of ColumnDoc.feature_counts over the root field's entries (numpy's bincount,
 * then a dict get and set per used entry, in entry order: the dict's order is the features'
 * order of first sight, which numbers them). */
static PyObject *
entry_counts(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *counts, *terms, *tobj;
    if (!PyArg_ParseTuple(args, "O!O!O:entry_counts", &PyDict_Type, &counts, &PyList_Type,
                          &terms, &tobj))
        return NULL;
    Py_buffer tb;
    if (!buffer_of(tobj, &tb, "lqn", 8))
        Py_RETURN_NONE;
    PyObject *result = NULL;
    Py_ssize_t n = tb.len / 8, nterms = PyList_GET_SIZE(terms);
    const int64_t *tids = tb.buf;
    Py_ssize_t *per = PyMem_Calloc((size_t)(nterms ? nterms : 1), sizeof(Py_ssize_t));
    if (per == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (tids[i] < 0 || tids[i] >= nterms) {
            PyErr_SetString(PyExc_IndexError, "entry_counts: an item's entry out of range");
            goto done;
        }
        per[tids[i]]++;
    }
    for (Py_ssize_t i = 0; i < nterms && i < PyList_GET_SIZE(terms); i++) {
        if (!per[i])
            continue;
        PyObject *term = Py_NewRef(PyList_GET_ITEM(terms, i));
        PyObject *old = PyDict_GetItemWithError(counts, term);
        PyObject *sum;
        if (old != NULL) {
            PyObject *k = PyLong_FromSsize_t(per[i]);
            sum = k == NULL ? NULL : PyNumber_Add(old, k);
            Py_XDECREF(k);
        }
        else
            sum = PyErr_Occurred() ? NULL : PyLong_FromSsize_t(per[i]);
        int bad = sum == NULL || PyDict_SetItem(counts, term, sum) < 0;
        Py_XDECREF(sum);
        Py_DECREF(term);
        if (bad)
            goto done;
    }
    result = Py_NewRef(counts);
done:
    PyMem_Free(per);
    PyBuffer_Release(&tb);
    return result;
}

/* ------------------------------------------------------------------ related articles */

/* 1: ``b`` is ``o``'s buffer, C-contiguous, of C doubles; 0: ``o`` is not one (the caller's
 * twin reads it) */
static int
double_buffer(PyObject *o, Py_buffer *b)
{
    if (PyObject_GetBuffer(o, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        return 0;
    }
    const char *f = b->format;
    if (f != NULL && (*f == '@' || *f == '='))
        f++;
    if (b->itemsize == 8 && f != NULL && f[0] == 'd' && f[1] == '\0' && b->len % 8 == 0)
        return 1;
    PyBuffer_Release(b);
    return 0;
}

/* A row's span of entries [lo, hi) in arrays of ``len`` entries (-1 and ValueError when the
 * pointers do not describe one) */
static int
row_span(const int64_t *ptr, Py_ssize_t i, Py_ssize_t len, Py_ssize_t *lo, Py_ssize_t *hi)
{
    if (ptr[i] < 0 || ptr[i] > ptr[i + 1] || ptr[i + 1] > len) {
        PyErr_SetString(PyExc_ValueError, "related_top: pointers out of order or range");
        return -1;
    }
    *lo = (Py_ssize_t)ptr[i];
    *hi = (Py_ssize_t)ptr[i + 1];
    return 0;
}

/* (score, other) pairs kept best first: higher score, then the smaller other */
typedef struct {
    double score;
    Py_ssize_t other;
} Ranked;

/* ``e`` put in the ``k``-long best-first list ``a`` holding ``*n`` items, if it belongs there
 * (an insertion: k is a handful) */
static void
ranked_put(Ranked *a, Py_ssize_t *n, Py_ssize_t k, Ranked e)
{
    Py_ssize_t at = *n;
    if (at == k) {
        Ranked last = a[k - 1];
        if (e.score < last.score || (e.score == last.score && e.other > last.other))
            return;
        at = k - 1;
    }
    else
        (*n)++;
    while (at > 0 && (a[at - 1].score < e.score
                      || (a[at - 1].score == e.score && a[at - 1].other > e.other))) {
        a[at] = a[at - 1];
        at--;
    }
    a[at] = e;
}

/* ``p`` added to the sum ``acc[k]`` (from 0: csr_matmat's order), ``k`` noted in ``touched``
 * the first time */
static inline void
acc_add(double *acc, unsigned char *seen, Py_ssize_t *touched, Py_ssize_t *nt, Py_ssize_t k,
        double p)
{
    if (!seen[k]) {
        seen[k] = 1;
        touched[(*nt)++] = k;
    }
    acc[k] += p;
}

/* the sum ``acc[k]`` rounded as np.round(x, 4) rounds it (times 10^4, rint, divided), and
 * cleared for the next row */
static inline double
acc_take(double *acc, unsigned char *seen, Py_ssize_t k)
{
    double s = acc[k];
    acc[k] = 0.0;
    seen[k] = 0;
    return rint(s * 10000.0) / 10000.0;
}

PyDoc_STRVAR(related_top_doc,
"related_top(data, indices, indptr, t_data, t_rows, t_indptr, rows, top_k, shared_k, names)\n"
"    -> (r, cand, score, shared)\n\n"
"The related lists of ``rows`` (int64 row numbers) of the normalised weight matrix given as\n"
"CSR arrays (data: float64, indices: int32 columns ascending in each row, indptr: int64) and\n"
"as its transpose (t_data, t_rows, t_indptr: each column's rows): per row, its ``top_k``\n"
"others of highest similarity rounded to 4 decimals (> 0; ties: the smaller row), as four\n"
"lists of equal length (the row, the other row, the score, and the names of the ``shared_k``\n"
"columns of largest product, ties by column, taken from ``names``, one per column). None:\n"
"arrays the C does not read, or columns not ascending (the twin's).");

/* Twin: _Matrix.top's products and selection and _Matrix.shared (archive/index/related.py),
 * through scipy: ``x[rows] @ xt`` sums, per pair of rows, the products of their shared
 * columns in the left row's column order starting from 0 (csr_matmat), as the accumulation
 * below does, so the floats are the same; the rounding is numpy's (times 10^4, rint,
 * divided). The selection keeps a best-first list of top_k per row instead of numpy's
 * partition and sort of every candidate. */
static PyObject *
related_top(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *objs[7], *names;
    Py_ssize_t top_k, shared_k;
    if (!PyArg_ParseTuple(args, "OOOOOOOnnO!:related_top", &objs[0], &objs[1], &objs[2],
                          &objs[3], &objs[4], &objs[5], &objs[6], &top_k, &shared_k,
                          &PyList_Type, &names))
        return NULL;
    Py_buffer b[7];
    int got = 0;
    for (; got < 7; got++) {
        int ok = (got == 0 || got == 3) ? double_buffer(objs[got], &b[got])
                 : (got == 1 || got == 4) ? buffer_of(objs[got], &b[got], "i", 4)
                 : buffer_of(objs[got], &b[got], "lqn", 8);
        if (!ok)
            break;
    }
    PyObject *result = NULL, *r = NULL, *cand = NULL, *score = NULL, *shared = NULL;
    double *acc = NULL;
    Py_ssize_t *touched = NULL;
    unsigned char *seen = NULL;
    Ranked *best = NULL, *top = NULL;
    if (got < 7 || top_k < 1 || shared_k < 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    const double *data = b[0].buf, *t_data = b[3].buf;
    const int32_t *indices = b[1].buf, *t_rows = b[4].buf;
    const int64_t *indptr = b[2].buf, *t_indptr = b[5].buf, *rows = b[6].buf;
    Py_ssize_t nnz = b[0].len / 8, t_nnz = b[3].len / 8;
    Py_ssize_t n = b[2].len / 8 - 1, ncols = b[5].len / 8 - 1, nrows = b[6].len / 8;
    if (n < 0 || ncols < 0 || b[1].len / 4 != nnz || b[4].len / 4 != t_nnz
        || PyList_GET_SIZE(names) != ncols) {
        PyErr_SetString(PyExc_ValueError, "related_top: arrays of unequal lengths");
        goto done;
    }
    acc = PyMem_Calloc((size_t)(n ? n : 1), sizeof(double));
    touched = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    seen = PyMem_Calloc((size_t)(n ? n : 1), 1);
    best = PyMem_Malloc((size_t)top_k * sizeof(Ranked));
    top = PyMem_Malloc((size_t)(shared_k ? shared_k : 1) * sizeof(Ranked));
    r = PyList_New(0);
    cand = PyList_New(0);
    score = PyList_New(0);
    shared = PyList_New(0);
    if (acc == NULL || touched == NULL || seen == NULL || best == NULL || top == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (r == NULL || cand == NULL || score == NULL || shared == NULL)
        goto done;
    for (Py_ssize_t q = 0; q < nrows; q++) {
        int64_t i = rows[q];
        Py_ssize_t lo, hi, nt = 0, nbest = 0;
        if (i < 0 || i >= n) {
            PyErr_SetString(PyExc_IndexError, "related_top: a row out of range");
            goto done;
        }
        if (row_span(indptr, (Py_ssize_t)i, nnz, &lo, &hi) < 0)
            goto done;
        for (Py_ssize_t e = lo; e < hi; e++) {
            int32_t j = indices[e];
            Py_ssize_t clo, chi;
            if (j < 0 || j >= ncols || (e > lo && indices[e - 1] >= j)) {
                if (j >= 0 && j < ncols) {  /* not ascending: scipy's order is another */
                    result = Py_NewRef(Py_None);
                    goto done;
                }
                PyErr_SetString(PyExc_IndexError, "related_top: a column out of range");
                goto done;
            }
            if (row_span(t_indptr, j, t_nnz, &clo, &chi) < 0)
                goto done;
            double v = data[e];
            for (Py_ssize_t kk = clo; kk < chi; kk++) {
                int32_t k = t_rows[kk];
                if (k < 0 || k >= n) {
                    PyErr_SetString(PyExc_IndexError, "related_top: a row out of range");
                    goto done;
                }
                acc_add(acc, seen, touched, &nt, k, v * t_data[kk]);
            }
        }
        for (Py_ssize_t t = 0; t < nt; t++) {
            Py_ssize_t k = touched[t];
            double s = acc_take(acc, seen, k);
            if (k != i && s > 0)
                ranked_put(best, &nbest, top_k, (Ranked){s, k});
        }
        for (Py_ssize_t p = 0; p < nbest; p++) {
            /* the columns both rows hold, the largest products first (the two rows'
             * columns merged: both ascending) */
            Py_ssize_t other = best[p].other, alo, ahi, blo, bhi, ntop = 0;
            if (row_span(indptr, other, nnz, &blo, &bhi) < 0)
                goto done;
            alo = lo;
            ahi = hi;
            while (alo < ahi && blo < bhi) {
                int32_t ja = indices[alo], jb = indices[blo];
                if (blo > (Py_ssize_t)indptr[other] && indices[blo - 1] >= jb) {
                    result = Py_NewRef(Py_None);
                    goto done;
                }
                if (ja < jb)
                    alo++;
                else if (jb < ja)
                    blo++;
                else {
                    double prod = data[alo] * data[blo];
                    /* (the column's place as the tie-break: ranked_put prefers the smaller) */
                    if (prod != 0 && shared_k > 0)
                        ranked_put(top, &ntop, shared_k, (Ranked){prod, ja});
                    alo++;
                    blo++;
                }
            }
            PyObject *cols = PyList_New(ntop);
            if (cols == NULL)
                goto done;
            for (Py_ssize_t c = 0; c < ntop; c++)
                PyList_SET_ITEM(cols, c, Py_NewRef(PyList_GET_ITEM(names, top[c].other)));
            PyObject *ro = PyLong_FromSsize_t((Py_ssize_t)i);
            PyObject *co = PyLong_FromSsize_t(other);
            PyObject *so = PyFloat_FromDouble(best[p].score);
            int bad = ro == NULL || co == NULL || so == NULL || PyList_Append(r, ro) < 0
                      || PyList_Append(cand, co) < 0 || PyList_Append(score, so) < 0
                      || PyList_Append(shared, cols) < 0;
            Py_XDECREF(ro);
            Py_XDECREF(co);
            Py_XDECREF(so);
            Py_DECREF(cols);
            if (bad)
                goto done;
        }
    }
    result = PyTuple_Pack(4, r, cand, score, shared);
done:
    PyMem_Free(acc);
    PyMem_Free(touched);
    PyMem_Free(seen);
    PyMem_Free(best);
    PyMem_Free(top);
    Py_XDECREF(r);
    Py_XDECREF(cand);
    Py_XDECREF(score);
    Py_XDECREF(shared);
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&b[k]);
    return result;
}

/* ``o`` (a new reference, or NULL after an error) appended to ``list`` and released */
static int
append_new(PyObject *list, PyObject *o)
{
    if (o == NULL)
        return -1;
    int bad = PyList_Append(list, o) < 0;
    Py_DECREF(o);
    return bad ? -1 : 0;
}

/* ``d[k] = v`` of two new references (or NULL after an error), both released */
static int
set_new(PyObject *d, PyObject *k, PyObject *v)
{
    int bad = k == NULL || v == NULL || PyDict_SetItem(d, k, v) < 0;
    Py_XDECREF(k);
    Py_XDECREF(v);
    return bad ? -1 : 0;
}

/* The entries of ``rows`` (``nrows`` row numbers, ascending) regrouped by column: column j's
 * are (*m_ptr)[j] .. (*m_ptr)[j + 1] in *m_row (the row's place in ``rows``, ascending) and
 * *m_data, three arrays the caller frees (also after a failure). 0, or -1 with an exception
 * (``who`` names the caller): a row out of range, rows not ascending, bad pointers, a
 * column out of [0, ncols). */
static int
rows_by_column(const char *who, const double *data, const int32_t *indices,
               const int64_t *indptr, Py_ssize_t nnz, Py_ssize_t n, Py_ssize_t ncols,
               const int64_t *rows, Py_ssize_t nrows, Py_ssize_t **m_ptr, Py_ssize_t **m_row,
               double **m_data)
{
    Py_ssize_t m_nnz = 0;
    Py_ssize_t *ptr = *m_ptr = PyMem_Calloc((size_t)ncols + 1, sizeof(Py_ssize_t));
    if (ptr == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t q = 0; q < nrows; q++) {
        int64_t i = rows[q];
        Py_ssize_t lo, hi;
        if (i < 0 || i >= n) {
            PyErr_Format(PyExc_IndexError, "%s: a row out of range", who);
            return -1;
        }
        if (q > 0 && rows[q - 1] >= i) {
            PyErr_Format(PyExc_ValueError, "%s: rows not ascending", who);
            return -1;
        }
        if (row_span(indptr, (Py_ssize_t)i, nnz, &lo, &hi) < 0)
            return -1;
        for (Py_ssize_t e = lo; e < hi; e++) {
            if (indices[e] < 0 || indices[e] >= ncols) {
                PyErr_Format(PyExc_IndexError, "%s: a column out of range", who);
                return -1;
            }
            ptr[indices[e] + 1]++;
        }
        m_nnz += hi - lo;
    }
    for (Py_ssize_t j = 0; j < ncols; j++)
        ptr[j + 1] += ptr[j];
    Py_ssize_t *row = *m_row = PyMem_Malloc((size_t)(m_nnz ? m_nnz : 1) * sizeof(Py_ssize_t));
    double *val = *m_data = PyMem_Malloc((size_t)(m_nnz ? m_nnz : 1) * sizeof(double));
    if (row == NULL || val == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    /* (filled in row order: each column's rows ascending; ptr[j] walks to the start of
     * column j + 1 and is set back below) */
    for (Py_ssize_t q = 0; q < nrows; q++) {
        for (int64_t e = indptr[rows[q]]; e < indptr[rows[q] + 1]; e++) {
            Py_ssize_t at = ptr[indices[e]]++;
            row[at] = q;
            val[at] = data[e];
        }
    }
    for (Py_ssize_t j = ncols; j > 0; j--)
        ptr[j] = ptr[j - 1];
    ptr[0] = 0;
    return 0;
}

PyDoc_STRVAR(related_against_doc,
"related_against(data, indices, indptr, width, cols, slot, top_k[, last_score, last_row])\n"
"    -> {slot: [(score, row), ...]}\n\n"
"Per row r of the weight matrix (related_top's CSR arrays, ``width`` columns) with\n"
"``slot[r] >= 0`` (int64, one\n"
"per row, ascending with r over those rows), its ``top_k`` rows of ``cols`` (int64 row\n"
"numbers, ascending) of highest similarity rounded to 4 decimals (> 0; ties: the smaller\n"
"row), best first, per slot that has one (in ascending order). With ``last_score`` and\n"
"``last_row`` (float64 and int64, one per slot), only the slots whose best one ranks\n"
"before (last_score[slot], last_row[slot]) (a higher score, or the same and a smaller\n"
"row). None: arrays the C does not read, or slots not ascending (the twin's).");

/* Twin: update_related's products of every row with the moved rows (``x @ xt[:, cols]``
 * through scipy, or _Matrix._against: the same floats) and its selection of each kept row's
 * TOP_K moved ones (np.round, the lexsort by (row, -score, col) and _ranks: _add_extra), in
 * archive/index/related.py. Row by row as scipy's csr_matmat sums them: each kept row's
 * entries in its order, each against the moved rows holding that column (their entries
 * regrouped by column here: a few hundred rows), summed from 0, so the floats are scipy's.
 * A best-first list of top_k per row instead of a sort of every pair (1.4 million pairs for
 * an article added at 29,904 articles), and one small accumulator (one per moved row) that
 * stays in the cache. */
static PyObject *
related_against(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *objs[7] = {NULL};
    Py_ssize_t ncols, top_k;
    if (!PyArg_ParseTuple(args, "OOOnOOn|OO:related_against", &objs[0], &objs[1], &objs[2],
                          &ncols, &objs[3], &objs[4], &top_k, &objs[5], &objs[6]))
        return NULL;
    /* (the two thresholds: both or neither) */
    int want = objs[5] != NULL && objs[6] != NULL ? 7 : 5;
    Py_buffer b[7];
    int got = 0;
    for (; got < want; got++) {
        int ok = got == 0 || got == 5 ? double_buffer(objs[got], &b[got])
                 : got == 1 ? buffer_of(objs[got], &b[got], "i", 4)
                 : buffer_of(objs[got], &b[got], "lqn", 8);
        if (!ok)
            break;
    }
    PyObject *result = NULL, *out = NULL;
    double *acc = NULL, *m_data = NULL;
    Py_ssize_t *touched = NULL, *m_ptr = NULL, *m_row = NULL;
    unsigned char *seen = NULL;
    Ranked *best = NULL;
    if (got < want || top_k < 1 || (objs[5] != NULL) != (objs[6] != NULL)) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (ncols < 0 || ncols > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "related_against: a width out of range");
        goto done;
    }
    const double *data = b[0].buf;
    const int32_t *indices = b[1].buf;
    const int64_t *indptr = b[2].buf, *cols = b[3].buf, *slot = b[4].buf;
    Py_ssize_t nnz = b[0].len / 8, n = b[2].len / 8 - 1, ncand = b[3].len / 8;
    if (n < 0 || b[1].len / 4 != nnz || b[4].len / 8 != n
        || (want == 7 && b[5].len != b[6].len)) {
        PyErr_SetString(PyExc_ValueError, "related_against: arrays of unequal lengths");
        goto done;
    }
    /* the thresholds, one per slot (NULL: none) */
    const double *last_score = want == 7 ? b[5].buf : NULL;
    const int64_t *last_row = want == 7 ? b[6].buf : NULL;
    Py_ssize_t nlast = want == 7 ? b[5].len / 8 : 0;
    /* the kept rows' slots ascend with the rows (the twin's dict is made in slot order) */
    int64_t last_slot = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (slot[i] < 0)
            continue;
        if (slot[i] <= last_slot) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        last_slot = slot[i];
    }
    if (last_score != NULL && last_slot >= nlast) {
        PyErr_SetString(PyExc_IndexError, "related_against: a slot without its thresholds");
        goto done;
    }
    for (Py_ssize_t e = 0; e < nnz; e++) {
        if (indices[e] < 0 || indices[e] >= ncols) {
            PyErr_SetString(PyExc_IndexError, "related_against: a column out of range");
            goto done;
        }
    }
    if (top_k > ncand)  /* (no row gets more than every moved one) */
        top_k = ncand ? ncand : 1;
    /* the moved rows' entries by column */
    if (rows_by_column("related_against", data, indices, indptr, nnz, n, ncols, cols, ncand,
                       &m_ptr, &m_row, &m_data) < 0)
        goto done;
    acc = PyMem_Calloc((size_t)(ncand ? ncand : 1), sizeof(double));
    touched = PyMem_Malloc((size_t)(ncand ? ncand : 1) * sizeof(Py_ssize_t));
    seen = PyMem_Calloc((size_t)(ncand ? ncand : 1), 1);
    best = PyMem_Malloc((size_t)top_k * sizeof(Ranked));
    out = PyDict_New();
    if (acc == NULL || touched == NULL || seen == NULL || best == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (out == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t lo, hi, nt = 0, nbest = 0;
        if (slot[i] < 0)
            continue;  /* a moved row (or one not asked for) */
        if (row_span(indptr, i, nnz, &lo, &hi) < 0)
            goto done;
        for (Py_ssize_t e = lo; e < hi; e++) {
            int32_t j = indices[e];
            double v = data[e];
            for (Py_ssize_t kk = m_ptr[j]; kk < m_ptr[j + 1]; kk++) {
                Py_ssize_t q = m_row[kk];
                acc_add(acc, seen, touched, &nt, q, v * m_data[kk]);
            }
        }
        for (Py_ssize_t t = 0; t < nt; t++) {
            Py_ssize_t q = touched[t];
            double s = acc_take(acc, seen, q);
            if (s > 0)
                ranked_put(best, &nbest, top_k, (Ranked){s, (Py_ssize_t)cols[q]});
        }
        if (!nbest)
            continue;
        /* (a row whose best moved one ranks after its threshold: none enters its list) */
        if (last_score != NULL) {
            double ls = last_score[slot[i]];
            int64_t lr = last_row[slot[i]];
            if (!(best[0].score > ls || (best[0].score == ls && best[0].other < lr)))
                continue;
        }
        PyObject *list = PyList_New(nbest);
        if (list == NULL)
            goto done;
        for (Py_ssize_t p = 0; p < nbest; p++) {
            PyObject *pair = PyTuple_New(2), *so = PyFloat_FromDouble(best[p].score);
            PyObject *oo = PyLong_FromSsize_t(best[p].other);
            if (pair == NULL || so == NULL || oo == NULL) {
                Py_XDECREF(pair);
                Py_XDECREF(so);
                Py_XDECREF(oo);
                Py_DECREF(list);
                goto done;
            }
            PyTuple_SET_ITEM(pair, 0, so);
            PyTuple_SET_ITEM(pair, 1, oo);
            PyList_SET_ITEM(list, p, pair);
        }
        if (set_new(out, PyLong_FromLongLong((long long)slot[i]), list) < 0)
            goto done;
    }
    result = Py_NewRef(out);
done:
    PyMem_Free(m_ptr);
    PyMem_Free(m_row);
    PyMem_Free(m_data);
    PyMem_Free(acc);
    PyMem_Free(touched);
    PyMem_Free(seen);
    PyMem_Free(best);
    Py_XDECREF(out);
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&b[k]);
    return result;
}


/* ``f`` as _Matrix.shared names a column: a leading "@" (an entity key's) dropped (a new
 * reference; NULL and TypeError when ``f`` is not a str) */
static PyObject *
shared_name(PyObject *f)
{
    if (!PyUnicode_Check(f)) {
        PyErr_SetString(PyExc_TypeError, "related_rows: a name that is not a str");
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(f);
    if (len > 0 && PyUnicode_READ_CHAR(f, 0) == '@')
        return PyUnicode_Substring(f, 1, len);
    return Py_NewRef(f);
}

PyDoc_STRVAR(related_rows_doc,
"related_rows(data, indices, indptr, width, rows, top_k, shared_k, vocab)\n"
"    -> (r, cand, score, shared)\n\n"
"related_top's lists of ``rows`` (int64 row numbers, ascending) from the CSR arrays alone\n"
"(``width`` columns), without the transpose: every row is read once against the asked\n"
"rows' entries regrouped by column. ``vocab``: the columns' names (str), a leading \"@\"\n"
"dropped from those ``shared`` gives. None: arrays the C does not read, or columns not\n"
"ascending (the twin's).");

/* Twin: _Matrix.top's products and selection and _Matrix.shared (archive/index/related.py)
 * for an update's rows (numpy's sums, or related_top with the transpose, whose making, a
 * stable sort of every entry by column, grows with the archive). Row i's similarity with
 * an asked row q is summed over their shared columns in ascending order from 0, each
 * product q's weight times i's: what csr_matmat sums for x[q] @ xt (q's entries in its
 * column order), so the floats are the same. The rows are read in order, so each asked
 * row's candidates come in row order, as related_top's selection takes them. */
static PyObject *
related_rows(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *objs[4], *vocab;
    Py_ssize_t ncols, top_k, shared_k;
    if (!PyArg_ParseTuple(args, "OOOnOnnO!:related_rows", &objs[0], &objs[1], &objs[2],
                          &ncols, &objs[3], &top_k, &shared_k, &PyList_Type, &vocab))
        return NULL;
    Py_buffer b[4];
    int got = 0;
    for (; got < 4; got++) {
        int ok = got == 0 ? double_buffer(objs[got], &b[got])
                 : got == 1 ? buffer_of(objs[got], &b[got], "i", 4)
                 : buffer_of(objs[got], &b[got], "lqn", 8);
        if (!ok)
            break;
    }
    PyObject *result = NULL, *r = NULL, *cand = NULL, *score = NULL, *shared = NULL;
    double *acc = NULL, *m_data = NULL;
    Py_ssize_t *touched = NULL, *m_ptr = NULL, *m_row = NULL, *nbest = NULL;
    unsigned char *seen = NULL;
    Ranked *best = NULL, *top = NULL;
    if (got < 4 || top_k < 1 || shared_k < 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (ncols < 0 || ncols > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "related_rows: a width out of range");
        goto done;
    }
    const double *data = b[0].buf;
    const int32_t *indices = b[1].buf;
    const int64_t *indptr = b[2].buf, *rows = b[3].buf;
    Py_ssize_t nnz = b[0].len / 8, n = b[2].len / 8 - 1, ncand = b[3].len / 8;
    if (n < 0 || b[1].len / 4 != nnz || PyList_GET_SIZE(vocab) != ncols) {
        PyErr_SetString(PyExc_ValueError, "related_rows: arrays of unequal lengths");
        goto done;
    }
    if (top_k > n)  /* (no row has more others than the matrix has rows) */
        top_k = n ? n : 1;
    /* the asked rows' entries by column */
    if (rows_by_column("related_rows", data, indices, indptr, nnz, n, ncols, rows, ncand,
                       &m_ptr, &m_row, &m_data) < 0)
        goto done;
    if (ncand > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(Ranked) / top_k) {
        PyErr_NoMemory();
        goto done;
    }
    acc = PyMem_Calloc((size_t)(ncand ? ncand : 1), sizeof(double));
    touched = PyMem_Malloc((size_t)(ncand ? ncand : 1) * sizeof(Py_ssize_t));
    seen = PyMem_Calloc((size_t)(ncand ? ncand : 1), 1);
    nbest = PyMem_Calloc((size_t)(ncand ? ncand : 1), sizeof(Py_ssize_t));
    best = PyMem_Malloc((size_t)(ncand ? ncand : 1) * (size_t)top_k * sizeof(Ranked));
    top = PyMem_Malloc((size_t)(shared_k ? shared_k : 1) * sizeof(Ranked));
    r = PyList_New(0);
    cand = PyList_New(0);
    score = PyList_New(0);
    shared = PyList_New(0);
    if (acc == NULL || touched == NULL || seen == NULL || nbest == NULL || best == NULL
        || top == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (r == NULL || cand == NULL || score == NULL || shared == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t lo, hi, nt = 0;
        if (row_span(indptr, i, nnz, &lo, &hi) < 0)
            goto done;
        for (Py_ssize_t e = lo; e < hi; e++) {
            int32_t j = indices[e];
            if (j < 0 || j >= ncols) {
                PyErr_SetString(PyExc_IndexError, "related_rows: a column out of range");
                goto done;
            }
            if (e > lo && indices[e - 1] >= j) {  /* not ascending: scipy's order is another */
                result = Py_NewRef(Py_None);
                goto done;
            }
            double v = data[e];
            for (Py_ssize_t kk = m_ptr[j]; kk < m_ptr[j + 1]; kk++)
                acc_add(acc, seen, touched, &nt, m_row[kk], m_data[kk] * v);
        }
        for (Py_ssize_t t = 0; t < nt; t++) {
            Py_ssize_t q = touched[t];
            double s = acc_take(acc, seen, q);
            if (rows[q] != i && s > 0)
                ranked_put(best + q * top_k, &nbest[q], top_k, (Ranked){s, i});
        }
    }
    for (Py_ssize_t q = 0; q < ncand; q++) {
        Py_ssize_t i = (Py_ssize_t)rows[q];
        for (Py_ssize_t p = 0; p < nbest[q]; p++) {
            /* the columns both rows hold, the largest products first (as related_top) */
            Py_ssize_t other = best[q * top_k + p].other, ntop = 0;
            Py_ssize_t alo = (Py_ssize_t)indptr[i], ahi = (Py_ssize_t)indptr[i + 1];
            Py_ssize_t blo = (Py_ssize_t)indptr[other], bhi = (Py_ssize_t)indptr[other + 1];
            while (alo < ahi && blo < bhi) {
                int32_t ja = indices[alo], jb = indices[blo];
                if (ja < jb)
                    alo++;
                else if (jb < ja)
                    blo++;
                else {
                    double prod = data[alo] * data[blo];
                    if (prod != 0 && shared_k > 0)
                        ranked_put(top, &ntop, shared_k, (Ranked){prod, ja});
                    alo++;
                    blo++;
                }
            }
            PyObject *cols = PyList_New(ntop);
            if (cols == NULL)
                goto done;
            for (Py_ssize_t c = 0; c < ntop; c++) {
                PyObject *name = shared_name(PyList_GET_ITEM(vocab, top[c].other));
                if (name == NULL) {
                    Py_DECREF(cols);
                    goto done;
                }
                PyList_SET_ITEM(cols, c, name);
            }
            int bad = append_new(r, PyLong_FromSsize_t(i)) < 0
                      || append_new(cand, PyLong_FromSsize_t(other)) < 0
                      || append_new(score, PyFloat_FromDouble(best[q * top_k + p].score)) < 0;
            if (bad || PyList_Append(shared, cols) < 0) {
                Py_DECREF(cols);
                goto done;
            }
            Py_DECREF(cols);
        }
    }
    result = PyTuple_Pack(4, r, cand, score, shared);
done:
    PyMem_Free(m_ptr);
    PyMem_Free(m_row);
    PyMem_Free(m_data);
    PyMem_Free(acc);
    PyMem_Free(touched);
    PyMem_Free(seen);
    PyMem_Free(nbest);
    PyMem_Free(best);
    PyMem_Free(top);
    Py_XDECREF(r);
    Py_XDECREF(cand);
    Py_XDECREF(score);
    Py_XDECREF(shared);
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&b[k]);
    return result;
}

PyDoc_STRVAR(related_parts_doc,
"related_parts(qids, lo, hi, r, cand, score, shared) -> list of str\n\n"
"The entries of related.json of the rows lo..hi-1 (their text as related._related_item\n"
"writes it) from related_top's lists (rows ascending, within lo..hi-1), ``qids`` the ids\n"
"and ``shared`` the names already quoted as JSON strings. None: a score that is not a\n"
"finite float (the twin's).");

/* Twin: related._related_item of each row's list of {"id", "score", "shared"} (the text
 * pieces joined once per row; a score written by float's repr, as the f-string does). */
static PyObject *
related_parts(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *qids, *r, *cand, *score, *shared;
    Py_ssize_t lo, hi;
    if (!PyArg_ParseTuple(args, "O!nnO!O!O!O!:related_parts", &PyList_Type, &qids, &lo, &hi,
                          &PyList_Type, &r, &PyList_Type, &cand, &PyList_Type, &score,
                          &PyList_Type, &shared))
        return NULL;
    Py_ssize_t m = PyList_GET_SIZE(r), nids = PyList_GET_SIZE(qids);
    if (PyList_GET_SIZE(cand) != m || PyList_GET_SIZE(score) != m
        || PyList_GET_SIZE(shared) != m || lo < 0 || hi < lo || hi > nids) {
        PyErr_SetString(PyExc_ValueError, "related_parts: lists of unequal lengths");
        return NULL;
    }
    /* the constant pieces, as related._related_item and _related_entry write them */
    static const char *texts[] = {
        "\n ", ": []", ": [\n  {\n", "\n  },\n  {\n", "\n  }\n ]", "   \"id\": ",
        ",\n   \"score\": ", ",\n", "   \"shared\": [\n    ", ",\n    ", "\n   ]",
        "   \"shared\": []", "",
    };
    enum { NL, EMPTY, OPEN, NEXT, CLOSE, ID, SCORE, COMMA, SHARED, SEP, SHUT, NONE, BLANK, NT };
    PyObject *c[NT] = {NULL};
    PyObject *out = NULL, *pieces = NULL, *result = NULL;
    for (int k = 0; k < NT; k++)
        if ((c[k] = PyUnicode_FromString(texts[k])) == NULL)
            goto done;
    if ((out = PyList_New(0)) == NULL || (pieces = PyList_New(0)) == NULL)
        goto done;
#define PUT(o) do { if (PyList_Append(pieces, (o)) < 0) goto done; } while (0)
    Py_ssize_t e = 0;
    for (Py_ssize_t row = lo; row < hi; row++) {
        if (PyList_SetSlice(pieces, 0, PyList_GET_SIZE(pieces), NULL) < 0)
            goto done;
        PUT(c[NL]);
        PUT(PyList_GET_ITEM(qids, row));
        Py_ssize_t first = e;
        for (; e < m; e++) {
            Py_ssize_t a = PyLong_AsSsize_t(PyList_GET_ITEM(r, e));
            if (a == -1 && PyErr_Occurred())
                goto done;
            if (a < row || a >= hi) {
                PyErr_SetString(PyExc_ValueError, "related_parts: rows out of order or range");
                goto done;
            }
            if (a != row)
                break;
            Py_ssize_t b = PyLong_AsSsize_t(PyList_GET_ITEM(cand, e));
            if (b == -1 && PyErr_Occurred())
                goto done;
            if (b < 0 || b >= nids) {
                PyErr_SetString(PyExc_IndexError, "related_parts: an id out of range");
                goto done;
            }
            PyObject *sc = PyList_GET_ITEM(score, e), *names = PyList_GET_ITEM(shared, e);
            if (!PyFloat_CheckExact(sc) || !isfinite(PyFloat_AS_DOUBLE(sc))
                || !PyList_CheckExact(names)) {
                result = Py_NewRef(Py_None);
                goto done;
            }
            PUT(e == first ? c[OPEN] : c[NEXT]);
            PUT(c[ID]);
            PUT(PyList_GET_ITEM(qids, b));
            PUT(c[SCORE]);
            if (append_new(pieces, PyObject_Repr(sc)) < 0)
                goto done;
            PUT(c[COMMA]);
            Py_ssize_t nn = PyList_GET_SIZE(names);
            if (nn == 0)
                PUT(c[NONE]);
            else {
                PUT(c[SHARED]);
                for (Py_ssize_t k = 0; k < nn; k++) {
                    if (k)
                        PUT(c[SEP]);
                    PUT(PyList_GET_ITEM(names, k));
                }
                PUT(c[SHUT]);
            }
        }
        PUT(e == first ? c[EMPTY] : c[CLOSE]);
        if (append_new(out, PyUnicode_Join(c[BLANK], pieces)) < 0)
            goto done;
    }
#undef PUT
    if (e != m) {
        PyErr_SetString(PyExc_ValueError, "related_parts: rows out of order or range");
        goto done;
    }
    result = Py_NewRef(out);
done:
    for (int k = 0; k < NT; k++)
        Py_XDECREF(c[k]);
    Py_XDECREF(pieces);
    Py_XDECREF(out);
    return result;
}

PyDoc_STRVAR(feature_row_doc,
"feature_row(number, counts) -> bytes\n\n"
"An article's row of FeatureRows: each feature of ``counts`` (a dict: name -> int, in its\n"
"order) numbered by ``number`` (a dict: name -> int), the names it does not hold added to it\n"
"numbered from len(number) in order of first sight; the numbers then the counts as C ints.\n"
"None: ``number`` holds something else than ints (the twin's).");

/* Twin: the lines of FeatureRows.add_counts after this call (archive/index/related.py): the
 * look-ups, the new names numbered, the two int arrays' bytes. */
static PyObject *
feature_row(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *number, *counts;
    if (!PyArg_ParseTuple(args, "O!O!:feature_row", &PyDict_Type, &number, &PyDict_Type,
                          &counts))
        return NULL;
    Py_ssize_t n = PyDict_GET_SIZE(counts);
    if (n > PY_SSIZE_T_MAX / 8)
        return PyErr_NoMemory();
    PyObject *out = PyBytes_FromStringAndSize(NULL, 8 * n);
    if (out == NULL)
        return NULL;
    int *fids = (int *)PyBytes_AS_STRING(out), *tfs = fids + n;
    Py_ssize_t pos = 0, k = 0;
    PyObject *name, *tf;
    while (PyDict_Next(counts, &pos, &name, &tf)) {
        if (k >= n) {
            PyErr_SetString(PyExc_RuntimeError, "feature_row: counts changed size");
            goto fail;
        }
        PyObject *num = PyDict_GetItemWithError(number, name);
        long v;
        if (num == NULL) {
            if (PyErr_Occurred())
                goto fail;
            PyObject *fresh = PyLong_FromSsize_t(PyDict_GET_SIZE(number));
            if (fresh == NULL)
                goto fail;
            int bad = PyDict_SetItem(number, name, fresh) < 0;
            v = PyLong_AsLong(fresh);
            Py_DECREF(fresh);
            if (bad)
                goto fail;
        }
        else {
            if (!PyLong_CheckExact(num)) {
                Py_DECREF(out);
                Py_RETURN_NONE;
            }
            v = PyLong_AsLong(num);
            if (v == -1 && PyErr_Occurred())
                goto fail;
        }
        if (v < INT_MIN || v > INT_MAX) {
            PyErr_SetString(PyExc_OverflowError, "feature_row: a number out of a C int");
            goto fail;
        }
        fids[k] = (int)v;
        long t = PyLong_AsLong(tf);
        if (t == -1 && PyErr_Occurred())
            goto fail;
        if (t < INT_MIN || t > INT_MAX) {
            PyErr_SetString(PyExc_OverflowError, "feature_row: a count out of a C int");
            goto fail;
        }
        tfs[k++] = (int)t;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"related_top", related_top, METH_VARARGS, related_top_doc},
    {"related_against", related_against, METH_VARARGS, related_against_doc},
    {"related_rows", related_rows, METH_VARARGS, related_rows_doc},
    {"feature_row", feature_row, METH_VARARGS, feature_row_doc},
    {"related_parts", related_parts, METH_VARARGS, related_parts_doc},
    {"entry_counts", entry_counts, METH_VARARGS, entry_counts_doc},
    {"sort_buffer", sort_buffer, METH_VARARGS, sort_buffer_doc},
    {"merge_round", merge_round, METH_VARARGS, merge_round_doc},
    {"rank_terms", rank_terms, METH_VARARGS, rank_terms_doc},
    {"hash_tables", hash_tables, METH_VARARGS, hash_tables_doc},
    {"add_stream", add_stream, METH_VARARGS, add_stream_doc},
    {"term_table", term_table, METH_VARARGS, term_table_doc},
    {"write_terms", write_terms, METH_VARARGS, write_terms_doc},
    {"write_record", write_record, METH_VARARGS, write_record_doc},
    {"md5_hash", md5_hash, METH_O, "Whoosh's md5_hash of a key (bytes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_cpostings", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__cpostings(void)
{
    return native_module(&module);
}
