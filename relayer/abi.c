/* Solidity ABI v2 head/tail encoding, bounds-checked decoding and revert
 * data (docs.soliditylang.org, "Contract ABI Specification": "Formal
 * Specification of the Encoding", "Use of Dynamic Types", "Errors"). */
#include "relayer/abi.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "relayer/rpc.h"

#define ABI_WORD        32
#define ABI_DEFAULT_MAX ((size_t)16 << 20)

/* Error(string) and Panic(uint256) selectors: keccak256 of those signatures. */
static const uint8_t SEL_ERROR[4] = {0x08, 0xc3, 0x79, 0xa0};
static const uint8_t SEL_PANIC[4] = {0x4e, 0x48, 0x7b, 0x71};

void abi_selector(uint8_t sel[4], const char *signature)
{
    uint8_t h[32];
    keccak256(h, (const uint8_t *)signature, strlen(signature));
    memcpy(sel, h, 4);
}

void abi_event_topic(uint8_t topic[32], const char *signature)
{
    keccak256(topic, (const uint8_t *)signature, strlen(signature));
}

/* A size as a 32-byte big-endian word. */
static void word_from_size(uint8_t w[ABI_WORD], size_t v)
{
    memset(w, 0, ABI_WORD - 8);
    be64_store(w + ABI_WORD - 8, (uint64_t)v);
}

static void frame_init(abi_frame *f, size_t max, bool is_array)
{
    buf_init(&f->head, max);
    buf_init(&f->tail, max);
    /* Fixups are a few size_t per dynamic value; the head cap bounds them. */
    buf_init(&f->fixups, max);
    f->items = 0;
    f->is_array = is_array;
}

static void frame_clear(abi_frame *f)
{
    buf_clear(&f->head);
    buf_clear(&f->tail);
    buf_clear(&f->fixups);
}

void abi_enc_init(abi_enc *e, size_t max)
{
    memset(e, 0, sizeof(*e));
    e->max = max ? max : ABI_DEFAULT_MAX;
    for (size_t i = 0; i <= ABI_MAX_DEPTH; i++)
        frame_init(&e->frames[i], e->max, false);
}

void abi_enc_clear(abi_enc *e)
{
    for (size_t i = 0; i <= ABI_MAX_DEPTH; i++)
        frame_clear(&e->frames[i]);
    e->depth = 0;
    e->status = ZK_OK;
    e->has_selector = false;
}

/* Records the first failure; later ones keep the first message. */
static int enc_fail(abi_enc *e, int code, const char *what)
{
    if (!e->status)
        e->status = ZK_FAIL(&e->err, code, "abi encode: %s: %s", what, zk_strerror(code));
    return e->status;
}

static abi_frame *cur(abi_enc *e)
{
    return &e->frames[e->depth];
}

/* Appends one static word to the open frame's head. */
static int put_word(abi_enc *e, const uint8_t w[ABI_WORD], const char *what)
{
    if (e->status) return e->status;
    abi_frame *f = cur(e);
    int rc = buf_append(&f->head, w, ABI_WORD);
    if (rc) return enc_fail(e, rc, what);
    f->items++;
    return ZK_OK;
}

/* Reserves the head word of a dynamic value whose body starts at the open
 * frame's current tail position; the offset is written when the frame is
 * emitted, once the head's final size is known. */
static int put_offset(abi_enc *e, abi_frame *f, const char *what)
{
    static const uint8_t zero[ABI_WORD] = {0};
    size_t fix[2] = {f->head.len, f->tail.len};
    int rc = buf_append(&f->fixups, fix, sizeof(fix));
    if (!rc) rc = buf_append(&f->head, zero, ABI_WORD);
    if (rc) return enc_fail(e, rc, what);
    f->items++;
    return ZK_OK;
}

int abi_enc_selector(abi_enc *e, const char *signature)
{
    if (e->status) return e->status;
    abi_selector(e->selector, signature);
    e->has_selector = true;
    return ZK_OK;
}

int abi_enc_uint64(abi_enc *e, uint64_t v)
{
    uint8_t w[ABI_WORD];
    word_from_size(w, 0);
    be64_store(w + ABI_WORD - 8, v);
    return put_word(e, w, "uint");
}

int abi_enc_uint_be(abi_enc *e, const uint8_t *be, size_t n)
{
    uint8_t w[ABI_WORD] = {0};
    if (e->status) return e->status;
    if (n > ABI_WORD) return enc_fail(e, ZK_ERR_RANGE, "uint wider than 256 bits");
    memcpy(w + ABI_WORD - n, be, n);
    return put_word(e, w, "uint");
}

int abi_enc_int64(abi_enc *e, int64_t v)
{
    uint8_t w[ABI_WORD];
    /* Two's complement sign extension: 0xff.. above a negative value. */
    memset(w, v < 0 ? 0xff : 0x00, ABI_WORD - 8);
    be64_store(w + ABI_WORD - 8, (uint64_t)v);
    return put_word(e, w, "int");
}

int abi_enc_address(abi_enc *e, const uint8_t addr[20])
{
    uint8_t w[ABI_WORD] = {0};
    memcpy(w + 12, addr, 20);
    return put_word(e, w, "address");
}

int abi_enc_bool(abi_enc *e, bool v)
{
    return abi_enc_uint64(e, v ? 1 : 0);
}

int abi_enc_bytes_fixed(abi_enc *e, const uint8_t *p, size_t n)
{
    uint8_t w[ABI_WORD] = {0};
    if (e->status) return e->status;
    if (n == 0 || n > ABI_WORD) return enc_fail(e, ZK_ERR_RANGE, "bytesN needs 1 <= N <= 32");
    memcpy(w, p, n);
    return put_word(e, w, "bytesN");
}

int abi_enc_bytes(abi_enc *e, const uint8_t *p, size_t n)
{
    static const uint8_t zero[ABI_WORD] = {0};
    uint8_t w[ABI_WORD];
    if (e->status) return e->status;
    abi_frame *f = cur(e);
    int rc = put_offset(e, f, "bytes");
    if (rc) return rc;
    word_from_size(w, n);
    size_t pad = (ABI_WORD - n % ABI_WORD) % ABI_WORD;
    rc = buf_append(&f->tail, w, ABI_WORD);
    if (!rc && n) rc = buf_append(&f->tail, p, n);
    if (!rc && pad) rc = buf_append(&f->tail, zero, pad);
    if (rc) return enc_fail(e, rc, "bytes");
    return ZK_OK;
}

int abi_enc_string(abi_enc *e, const char *s)
{
    return abi_enc_bytes(e, (const uint8_t *)s, strlen(s));
}

static int begin(abi_enc *e, bool is_array)
{
    if (e->status) return e->status;
    if (e->depth >= ABI_MAX_DEPTH)
        return enc_fail(e, ZK_ERR_RANGE, "nesting deeper than ABI_MAX_DEPTH");
    e->depth++;
    abi_frame *f = cur(e);
    /* Reuse the frame's memory from an earlier sibling. */
    f->head.len = f->tail.len = f->fixups.len = 0;
    f->items = 0;
    f->is_array = is_array;
    return ZK_OK;
}

int abi_enc_begin_tuple(abi_enc *e)
{
    return begin(e, false);
}

int abi_enc_begin_array(abi_enc *e)
{
    return begin(e, true);
}

/* Appends [length word] || head || tail of f to dst and writes each reserved
 * offset: the spec measures it from the start of the frame's head ("the
 * offset in bytes to the start of their data area, measured from the start of
 * the value encoding"), so it is head size + the body's position in the tail. */
static int frame_emit(zk_buf *dst, const abi_frame *f, bool with_count)
{
    uint8_t w[ABI_WORD];
    int rc = ZK_OK;
    if (with_count) {
        word_from_size(w, f->items);
        rc = buf_append(dst, w, ABI_WORD);
    }
    size_t start = dst->len;
    if (!rc) rc = buf_append(dst, f->head.data, f->head.len);
    if (!rc) rc = buf_append(dst, f->tail.data, f->tail.len);
    if (rc) return rc;
    size_t nfix = f->fixups.len / (2 * sizeof(size_t));
    for (size_t i = 0; i < nfix; i++) {
        size_t fix[2];
        memcpy(fix, f->fixups.data + i * sizeof(fix), sizeof(fix));
        if (f->tail.len > SIZE_MAX - f->head.len) return ZK_ERR_RANGE;
        word_from_size(dst->data + start + fix[0], f->head.len + fix[1]);
    }
    return ZK_OK;
}

int abi_enc_end(abi_enc *e)
{
    if (e->status) return e->status;
    if (e->depth == 0)
        return enc_fail(e, ZK_ERR_USAGE, "abi_enc_end without an open tuple or array");
    abi_frame *f = cur(e), *parent = &e->frames[e->depth - 1];
    e->depth--;
    int rc;
    if (!f->is_array && f->fixups.len == 0) {
        /* A static tuple (no dynamic component): its words sit in place. */
        rc = buf_append(&parent->head, f->head.data, f->head.len);
        if (rc) return enc_fail(e, rc, "tuple");
        parent->items++;
        return ZK_OK;
    }
    rc = put_offset(e, parent, f->is_array ? "array" : "tuple");
    if (rc) return rc;
    rc = frame_emit(&parent->tail, f, f->is_array);
    if (rc) return enc_fail(e, rc, f->is_array ? "array" : "tuple");
    return ZK_OK;
}

int abi_enc_finish(abi_enc *e, zk_buf *out, zk_errbuf *err)
{
    if (e->status) {
        if (err) *err = e->err;
        return e->status;
    }
    if (e->depth != 0)
        return ZK_FAIL(err, ZK_ERR_USAGE, "abi encode: %zu tuple(s) or array(s) left open",
                       e->depth);
    int rc = e->has_selector ? buf_append(out, e->selector, 4) : ZK_OK;
    if (!rc) rc = frame_emit(out, &e->frames[0], false);
    if (rc) return ZK_FAIL(err, rc, "abi encode: output: %s", zk_strerror(rc));
    return ZK_OK;
}

/* ---- decoding ---- */

void abi_dec_init(abi_dec *d, const uint8_t *data, size_t len)
{
    static const uint8_t none[1] = {0};
    d->base = data ? data : none;
    d->len = data ? len : 0;
    d->pos = 0;
}

/* The next head word, without advancing. Invariant: pos <= len. */
static int peek_word(const abi_dec *d, const uint8_t **w)
{
    if (d->len - d->pos < ABI_WORD) return ZK_ERR_TRUNCATED;
    *w = d->base + d->pos;
    return ZK_OK;
}

static bool is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* A word as a size_t: ZK_ERR_RANGE when it needs more bits. */
static int word_to_size(size_t *out, const uint8_t w[ABI_WORD])
{
    if (!is_zero(w, ABI_WORD - 8)) return ZK_ERR_RANGE;
    uint64_t v = be64_load(w + ABI_WORD - 8);
    if (v > SIZE_MAX) return ZK_ERR_RANGE;
    *out = (size_t)v;
    return ZK_OK;
}

int abi_dec_uint64(abi_dec *d, uint64_t *v)
{
    const uint8_t *w;
    int rc = peek_word(d, &w);
    if (rc) return rc;
    if (!is_zero(w, ABI_WORD - 8)) return ZK_ERR_RANGE;
    *v = be64_load(w + ABI_WORD - 8);
    d->pos += ABI_WORD;
    return ZK_OK;
}

int abi_dec_uint256(abi_dec *d, uint8_t be[32])
{
    const uint8_t *w;
    int rc = peek_word(d, &w);
    if (rc) return rc;
    memcpy(be, w, ABI_WORD);
    d->pos += ABI_WORD;
    return ZK_OK;
}

int abi_dec_address(abi_dec *d, uint8_t addr[20])
{
    const uint8_t *w;
    int rc = peek_word(d, &w);
    if (rc) return rc;
    if (!is_zero(w, 12)) return ZK_ERR_NONCANONICAL;
    memcpy(addr, w + 12, 20);
    d->pos += ABI_WORD;
    return ZK_OK;
}

int abi_dec_bool(abi_dec *d, bool *v)
{
    const uint8_t *w;
    int rc = peek_word(d, &w);
    if (rc) return rc;
    if (!is_zero(w, ABI_WORD - 1) || w[ABI_WORD - 1] > 1) return ZK_ERR_NONCANONICAL;
    *v = w[ABI_WORD - 1] == 1;
    d->pos += ABI_WORD;
    return ZK_OK;
}

int abi_dec_bytes_fixed(abi_dec *d, uint8_t *out, size_t n)
{
    const uint8_t *w;
    if (n == 0 || n > ABI_WORD) return ZK_ERR_USAGE;
    int rc = peek_word(d, &w);
    if (rc) return rc;
    if (!is_zero(w + n, ABI_WORD - n)) return ZK_ERR_NONCANONICAL;
    memcpy(out, w, n);
    d->pos += ABI_WORD;
    return ZK_OK;
}

/* Reads the head word as an offset into the tuple and checks that at least
 * `need` bytes follow it. Out: *off. Does not advance. */
static int read_offset(const abi_dec *d, size_t *off, size_t need, const char *what, zk_errbuf *err)
{
    const uint8_t *w;
    if (peek_word(d, &w)) return ZK_FAIL(err, ZK_ERR_TRUNCATED, "abi %s: no head word left", what);
    if (word_to_size(off, w) || *off > d->len || d->len - *off < need)
        return ZK_FAIL(err, ZK_ERR_RANGE, "abi %s: offset points past the end (%zu bytes)", what,
                       d->len);
    return ZK_OK;
}

int abi_dec_bytes(abi_dec *d, const uint8_t **p, size_t *n, zk_errbuf *err)
{
    size_t off, len;
    int rc = read_offset(d, &off, ABI_WORD, "bytes", err);
    if (rc) return rc;
    if (word_to_size(&len, d->base + off) || len > d->len - off - ABI_WORD)
        return ZK_FAIL(err, ZK_ERR_RANGE, "abi bytes: length runs past the end (%zu bytes)",
                       d->len);
    *p = d->base + off + ABI_WORD;
    *n = len;
    d->pos += ABI_WORD;
    return ZK_OK;
}

int abi_dec_tuple(abi_dec *d, abi_dec *sub, zk_errbuf *err)
{
    size_t off;
    int rc = read_offset(d, &off, 0, "tuple", err);
    if (rc) return rc;
    sub->base = d->base + off;
    sub->len = d->len - off;
    sub->pos = 0;
    d->pos += ABI_WORD;
    return ZK_OK;
}

int abi_dec_array(abi_dec *d, abi_dec *sub, size_t *count, zk_errbuf *err)
{
    size_t off, n;
    int rc = read_offset(d, &off, ABI_WORD, "array", err);
    if (rc) return rc;
    size_t left = d->len - off - ABI_WORD;
    if (word_to_size(&n, d->base + off) || n > left / ABI_WORD)
        return ZK_FAIL(err, ZK_ERR_RANGE, "abi array: length exceeds the %zu words left",
                       left / ABI_WORD);
    sub->base = d->base + off + ABI_WORD;
    sub->len = left;
    sub->pos = 0;
    *count = n;
    d->pos += ABI_WORD;
    return ZK_OK;
}

/* ---- revert data ---- */

int abi_revert_decode(abi_revert *out, const uint8_t *data, size_t len, zk_errbuf *err)
{
    memset(out, 0, sizeof(*out));
    if (len == 0) {
        out->kind = ABI_REVERT_EMPTY;
        return ZK_OK;
    }
    if (len < 4)
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "revert data of %zu bytes has no whole selector",
                       len);
    memcpy(out->selector, data, 4);
    abi_dec d;
    abi_dec_init(&d, data + 4, len - 4);
    int rc;
    if (memcmp(data, SEL_ERROR, 4) == 0) {
        const uint8_t *p;
        size_t n;
        rc = abi_dec_bytes(&d, &p, &n, err);
        if (rc) return zk_fail_wrap(err, rc, "revert Error(string)");
        out->kind = ABI_REVERT_ERROR;
        /* The message is chosen by whoever wrote the contract: keep it
         * printable so it cannot forge log or terminal lines. */
        rpc_copy_printable(out->reason, sizeof(out->reason), (const char *)p, n);
        return ZK_OK;
    }
    if (memcmp(data, SEL_PANIC, 4) == 0) {
        rc = abi_dec_uint64(&d, &out->panic_code);
        if (rc) return ZK_FAIL(err, rc, "revert Panic(uint256): %s", zk_strerror(rc));
        out->kind = ABI_REVERT_PANIC;
        return ZK_OK;
    }
    out->kind = ABI_REVERT_CUSTOM;
    out->args = data + 4;
    out->args_len = len - 4;
    return ZK_OK;
}

const char *abi_panic_describe(uint64_t code)
{
    /* Solidity docs, "Panic via assert and Error via require". */
    switch (code) {
    case 0x00:
        return "generic compiler panic";
    case 0x01:
        return "assertion failed";
    case 0x11:
        return "arithmetic overflow or underflow";
    case 0x12:
        return "division or modulo by zero";
    case 0x21:
        return "invalid enum value";
    case 0x22:
        return "incorrectly encoded storage byte array";
    case 0x31:
        return "pop() on an empty array";
    case 0x32:
        return "array index out of bounds";
    case 0x41:
        return "out of memory";
    case 0x51:
        return "call to a zero-initialized internal function";
    default:
        return "unknown panic code";
    }
}

void abi_revert_format(char *out, size_t cap, const abi_revert *r)
{
    if (cap == 0) return;
    switch (r->kind) {
    case ABI_REVERT_EMPTY:
        snprintf(out, cap, "empty revert data");
        break;
    case ABI_REVERT_ERROR:
        snprintf(out, cap, "Error(\"%s\")", r->reason);
        break;
    case ABI_REVERT_PANIC:
        snprintf(out, cap, "Panic(0x%02" PRIx64 ": %s)", r->panic_code,
                 abi_panic_describe(r->panic_code));
        break;
    case ABI_REVERT_CUSTOM:
        snprintf(out, cap, "custom error 0x%02x%02x%02x%02x (%zu bytes of arguments)",
                 r->selector[0], r->selector[1], r->selector[2], r->selector[3], r->args_len);
        break;
    }
}
