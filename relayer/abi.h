/* Solidity contract ABI v2 (docs.soliditylang.org, "Contract ABI Specification"):
 * calldata for the destination contracts (Inbox, ZkLightClient), decoding of
 * their return data and event data, and revert reasons.
 *
 * Encoding is a small value builder. Values are appended in argument order;
 * a dynamic value (bytes, string, T[], a tuple or fixed array holding a
 * dynamic value) is written as an offset in the head and its body in the tail,
 * and the offsets are fixed when the enclosing tuple closes:
 *
 *     abi_enc e;
 *     abi_enc_init(&e, 1 << 20);
 *     abi_enc_selector(&e, "sam(bytes,bool,uint256[])");
 *     abi_enc_bytes(&e, (const uint8_t *)"dave", 4);
 *     abi_enc_bool(&e, true);
 *     abi_enc_begin_array(&e);
 *     for (i = 1; i <= 3; i++) abi_enc_uint64(&e, i);
 *     abi_enc_end(&e);
 *     rc = abi_enc_finish(&e, &calldata, err);   (appends to a zk_buf)
 *     abi_enc_clear(&e);
 *
 * Errors are sticky, as in prover/circuit.h: the first failure (cap reached,
 * out of memory, bad argument, unbalanced begin/end) is kept, later calls do
 * nothing, and abi_enc_finish returns it. Every abi_enc_* also returns the
 * current status, so a caller may check early.
 *
 * Decoding reads untrusted bytes (a node's answer, a log): every offset and
 * length is checked against the buffer before use, with overflow-safe
 * comparisons. Values are read strictly: a uintN / address / bool / bytesN
 * word with non-zero padding is ZK_ERR_NONCANONICAL, as Solidity's own
 * decoder (ABI coder v2) reverts on it. Offsets may point anywhere inside the
 * buffer, as in Solidity; the spec gives no unique layout to insist on.
 *
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_RELAYER_ABI_H
#define ZKRELAY_RELAYER_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/lightclient.h"

/* Tuples and arrays nested deeper than this fail with ZK_ERR_RANGE. */
#define ABI_MAX_DEPTH 8

/* The first 4 bytes of keccak256(signature), the function selector.
 * Out: sel (4 bytes).
 * In:  signature  NUL-terminated canonical signature, no spaces and canonical
 *                 type names ("transfer(address,uint256)"), not checked. */
void abi_selector(uint8_t sel[4], const char *signature) ZK_NONNULL(1, 2);

/* keccak256(signature): topic 0 of a non-anonymous event's logs.
 * Out: topic (32 bytes). In: signature as for abi_selector. */
void abi_event_topic(uint8_t topic[32], const char *signature) ZK_NONNULL(1, 2);

/* One open tuple or array of the builder (internal; use the functions). */
typedef struct abi_frame {
    zk_buf head, tail;
    zk_buf fixups; /* (head position, tail-relative offset) pairs, as size_t */
    size_t items;  /* values written directly into this frame */
    bool is_array; /* T[]: a length word precedes the body */
} abi_frame;

/* The builder. Initialise with abi_enc_init, release with abi_enc_clear. */
typedef struct abi_enc {
    abi_frame frames[ABI_MAX_DEPTH + 1]; /* frames[0] is the argument tuple */
    size_t depth;                        /* index of the open frame */
    uint8_t selector[4];
    bool has_selector;
    size_t max; /* cap on any one buffer, hence on the calldata */
    int status; /* first error, sticky */
    zk_errbuf err;
} abi_enc;

/* Prepares an empty builder whose every buffer is capped at max bytes (0 means
 * 16 MiB). Nothing is allocated until a value is written. */
void abi_enc_init(abi_enc *e, size_t max) ZK_NONNULL(1);

/* Frees every buffer (calldata is public: nothing to wipe); the builder may be initialised again.
 * abi_enc_clear on a builder that was initialised and never used is fine. */
void abi_enc_clear(abi_enc *e) ZK_NONNULL(1);

/* Sets the 4-byte selector prepended by abi_enc_finish (calldata). Without it
 * the output is a bare argument tuple (return data, event data). Returns the
 * sticky status. */
int abi_enc_selector(abi_enc *e, const char *signature) ZK_NONNULL(1, 2);

/* uintN for any N: v zero-extended to a 32-byte word. Returns the status. */
int abi_enc_uint64(abi_enc *e, uint64_t v) ZK_NONNULL(1);

/* uint256 from a big-endian number of n <= 32 bytes (ZK_ERR_RANGE otherwise),
 * left-padded with zeros. Returns the status. */
int abi_enc_uint_be(abi_enc *e, const uint8_t *be, size_t n) ZK_NONNULL(1, 2);

/* int64 sign-extended to 256 bits (two's complement). Returns the status. */
int abi_enc_int64(abi_enc *e, int64_t v) ZK_NONNULL(1);

/* address: 20 bytes left-padded to a word. Returns the status. */
int abi_enc_address(abi_enc *e, const uint8_t addr[20]) ZK_NONNULL(1, 2);

/* bool: the word 0 or 1. Returns the status. */
int abi_enc_bool(abi_enc *e, bool v) ZK_NONNULL(1);

/* bytesN (1 <= n <= 32, ZK_ERR_RANGE otherwise): n bytes right-padded with
 * zeros to a word. Returns the status. */
int abi_enc_bytes_fixed(abi_enc *e, const uint8_t *p, size_t n) ZK_NONNULL(1, 2);

/* bytes: dynamic; its length word and data (right-padded to a multiple of 32)
 * go to the tail. p may be NULL when n is 0. Returns the status. */
int abi_enc_bytes(abi_enc *e, const uint8_t *p, size_t n) ZK_NONNULL(1);

/* string: encoded as bytes of its strlen (UTF-8 is the caller's business).
 * Returns the status. */
int abi_enc_string(abi_enc *e, const char *s) ZK_NONNULL(1, 2);

/* Opens a tuple or a fixed-size array T[k] (both are encoded the same way).
 * Values written until the matching abi_enc_end are its components. When none
 * of them is dynamic the tuple is static and is written in place; otherwise
 * it is dynamic and goes to the tail behind an offset. Returns the status
 * (ZK_ERR_RANGE beyond ABI_MAX_DEPTH). */
int abi_enc_begin_tuple(abi_enc *e) ZK_NONNULL(1);

/* Opens a dynamic array T[]. Its length is the number of values (or closed
 * tuples) written directly into it before the matching abi_enc_end. */
int abi_enc_begin_array(abi_enc *e) ZK_NONNULL(1);

/* Closes the innermost open tuple or array (ZK_ERR_USAGE when none is open).
 * Returns the status. */
int abi_enc_end(abi_enc *e) ZK_NONNULL(1);

/* Appends selector (when set) || head || tail of the argument tuple to out.
 * Returns: ZK_OK; the sticky error of an earlier call (its message in err);
 *          ZK_ERR_USAGE when a tuple or array is still open; out's
 *          ZK_ERR_RANGE / ZK_ERR_NOMEM.
 * In/Out: out  grows by the encoding (on failure it may hold part of it).
 * The builder is left as it was: call abi_enc_clear afterwards. */
int abi_enc_finish(abi_enc *e, zk_buf *out, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* ---- decoding ---- */

/* A view of one encoded tuple: base..base+len is the region its offsets are
 * relative to, pos the next head word. Decoders borrow the caller's buffer. */
typedef struct abi_dec {
    const uint8_t *base;
    size_t len;
    size_t pos;
} abi_dec;

/* Starts decoding a tuple encoding (return data, event data; the caller strips
 * a selector first). data may be NULL when len is 0. */
void abi_dec_init(abi_dec *d, const uint8_t *data, size_t len) ZK_NONNULL(1);

/* The next head word as uint64 (any uintN with N <= 64).
 * Returns: ZK_OK; ZK_ERR_TRUNCATED when no word is left; ZK_ERR_RANGE when
 *          the value needs more than 64 bits. Advances only on ZK_OK. */
int abi_dec_uint64(abi_dec *d, uint64_t *v) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* The next head word as uint256. Out: be (32 bytes, big-endian).
 * Returns ZK_OK or ZK_ERR_TRUNCATED. */
int abi_dec_uint256(abi_dec *d, uint8_t be[32]) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* The next head word as an address.
 * Returns: ZK_OK; ZK_ERR_TRUNCATED; ZK_ERR_NONCANONICAL when the 12 padding
 *          bytes are not zero. Out: addr (20 bytes). */
int abi_dec_address(abi_dec *d, uint8_t addr[20]) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* The next head word as a bool.
 * Returns: ZK_OK; ZK_ERR_TRUNCATED; ZK_ERR_NONCANONICAL for a word other than
 *          0 or 1. */
int abi_dec_bool(abi_dec *d, bool *v) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* The next head word as bytesN (1 <= n <= 32, ZK_ERR_USAGE otherwise).
 * Returns: ZK_OK; ZK_ERR_TRUNCATED; ZK_ERR_NONCANONICAL when the 32 - n
 *          padding bytes are not zero. Out: out (n bytes). */
int abi_dec_bytes_fixed(abi_dec *d, uint8_t *out, size_t n) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* A dynamic bytes or string: reads the offset word, then the length word and
 * data it points at.
 * Returns: ZK_OK; ZK_ERR_TRUNCATED when the head word is missing;
 *          ZK_ERR_RANGE when the offset or the length points past the end of
 *          the buffer (or does not fit size_t).
 * Out: *p, *n  the data, borrowed from the decoder's buffer (not
 *      NUL-terminated; *p is never NULL on ZK_OK). */
int abi_dec_bytes(abi_dec *d, const uint8_t **p, size_t *n, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Enters a dynamic tuple or a fixed array of dynamic values: reads the offset
 * word and makes sub a decoder of the tuple it points at. A static tuple is
 * read in place with the same decoder instead (its words are in the head).
 * Returns: ZK_OK; ZK_ERR_TRUNCATED; ZK_ERR_RANGE for an offset past the end.
 * Out: sub, which borrows d's buffer. */
int abi_dec_tuple(abi_dec *d, abi_dec *sub, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Enters a dynamic array T[]: reads the offset word, then the length word it
 * points at, and makes sub a decoder of the elements.
 * Returns: ZK_OK; ZK_ERR_TRUNCATED; ZK_ERR_RANGE for an offset past the end,
 *          or a length larger than the words left after it (every element
 *          takes at least one head word), so a forged length cannot make the
 *          caller loop or allocate beyond the buffer.
 * Out: sub, *count. */
int abi_dec_array(abi_dec *d, abi_dec *sub, size_t *count, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* ---- revert data ---- */

typedef enum abi_revert_kind {
    ABI_REVERT_EMPTY = 0, /* no data: revert(), require(x) without message, out of gas... */
    ABI_REVERT_ERROR,     /* Error(string), selector 0x08c379a0 */
    ABI_REVERT_PANIC,     /* Panic(uint256), selector 0x4e487b71 */
    ABI_REVERT_CUSTOM,    /* a custom error: its selector and ABI-encoded arguments */
} abi_revert_kind;

typedef struct abi_revert {
    abi_revert_kind kind;
    uint8_t selector[4]; /* ERROR, PANIC, CUSTOM */
    char reason[256];    /* ERROR: the message, control and non-ASCII bytes as '.' */
    uint64_t panic_code; /* PANIC: the code (values above 64 bits are ZK_ERR_RANGE) */
    const uint8_t *args; /* CUSTOM: the arguments after the selector, borrowed */
    size_t args_len;
} abi_revert;

/* Decodes the data of a reverted call or transaction.
 * Returns: ZK_OK; ZK_ERR_TRUNCATED for 1 to 3 bytes (no whole selector) or a
 *          cut Error/Panic body; ZK_ERR_RANGE / ZK_ERR_NONCANONICAL as the
 *          abi_dec_* readers do for a bad Error/Panic body.
 * Out: out (args borrows data).
 * In:  data, len (data may be NULL when len is 0). */
int abi_revert_decode(abi_revert *out, const uint8_t *data, size_t len,
                      zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

/* The meaning of a Solidity panic code (0x01 assert, 0x11 overflow, 0x12
 * division by zero, 0x21 bad enum, 0x22 bad storage bytes, 0x31 pop on
 * empty, 0x32 index out of bounds, 0x41 out of memory, 0x51 zero function
 * pointer). Returns a static string; "unknown panic code" otherwise. */
const char *abi_panic_describe(uint64_t code);

/* Writes a one-line description of r ("Error(\"...\")", "Panic(0x11: arithmetic
 * overflow or underflow)", "custom error 0x12345678 (N bytes of arguments)",
 * "empty revert data") into out (cap bytes, NUL-terminated, cut if needed). */
void abi_revert_format(char *out, size_t cap, const abi_revert *r) ZK_NONNULL(1, 3);

#endif
