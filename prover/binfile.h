/* The iden3 binary container shared by circom/snarkjs .r1cs, .wtns, .zkey and .ptau
 * (@iden3/binfileutils): magic[4], u32 version, u32 nSections, then nSections times
 * (u32 id, u64 size, size bytes). All integers little-endian.
 *
 * Sections are found by id, not by position: the file order is free (circom writes
 * r1cs sections 2,1,3; snarkjs writes zkey sections 1,2,4,3,9,8,5,6,7,10). An unknown id
 * is skipped, as snarkjs does, but a known id that occurs twice is an error (snarkjs
 * startReadUniqueSection). Bytes after the last section are rejected (snarkjs ignores
 * them; we accept only what a writer can have produced).
 *
 * Field elements are kept as the raw 32-byte little-endian arrays the files hold; each
 * format's header says whether they are canonical or in Montgomery form. Only BN254
 * (snarkjs "bn128") is accepted: n8 = 32 and the primes below. */
#ifndef ZKRELAY_PROVER_BINFILE_H
#define ZKRELAY_PROVER_BINFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"

/* Section sizes are products of u32 counts and point sizes; 64-bit size_t holds them. */
_Static_assert(sizeof(size_t) >= 8, "binfile needs a 64-bit size_t");

/* Bytes per field element (BN254 Fq and Fr both fit 32 bytes). */
#define BINFILE_N8 32
/* Sizes of a raw point: G1 = x, y; G2 = x.c0, x.c1, y.c0, y.c1 (each one coordinate of
 * BINFILE_N8 bytes). The all-zero encoding is the point at infinity. */
#define BINFILE_G1_SIZE (2 * BINFILE_N8)
#define BINFILE_G2_SIZE (4 * BINFILE_N8)
/* The most sections a file may list. snarkjs files have at most 15 (a prepared ptau);
 * the cap keeps the index a fixed-size array so a hostile nSections allocates nothing. */
#define BINFILE_MAX_SECTIONS 64

/* BN254 base field prime q and scalar field prime r, 32 bytes little-endian. */
extern const uint8_t binfile_bn254_q_le[BINFILE_N8];
extern const uint8_t binfile_bn254_r_le[BINFILE_N8];

typedef struct binfile_section {
    uint32_t id;
    size_t offset; /* of the section's first content byte, from the start of the file */
    size_t size;
} binfile_section;

/* The section index of one parsed file. Borrows the buffer it was parsed from. */
typedef struct binfile {
    const uint8_t *data; /* borrowed: the whole file */
    size_t len;
    uint32_t version;
    size_t n_sections;
    binfile_section sections[BINFILE_MAX_SECTIONS]; /* in file order */
} binfile;

/* Parses the container header and the section table.
 * Returns: ZK_OK; ZK_ERR_MALFORMED for another magic or a version other than version;
 *          ZK_ERR_TRUNCATED when the file ends inside the header, a section header or a
 *          section; ZK_ERR_RANGE when nSections > BINFILE_MAX_SECTIONS;
 *          ZK_ERR_TRAILING for bytes after the last section.
 * Out: bf (borrows data, which must outlive it).
 * In: data/len the whole file; magic the 4 expected bytes ("r1cs", "wtns", ...). */
int binfile_parse(binfile *bf, const uint8_t *data, size_t len, const char magic[4],
                  uint32_t version, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 4);

/* Finds the one section with id and gives a cursor over its content.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND when absent; ZK_ERR_MALFORMED when id occurs twice.
 * Out: c (borrows the file buffer). */
int binfile_section_get(const binfile *bf, zk_cursor *c, uint32_t id, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Like binfile_section_get but also checks the section is exactly want bytes long.
 * Returns: as binfile_section_get, plus ZK_ERR_MALFORMED for another size. */
int binfile_section_get_sized(const binfile *bf, zk_cursor *c, uint32_t id, size_t want,
                              zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Fails when the section's cursor has bytes left (snarkjs endReadSection).
 * Returns: ZK_OK or ZK_ERR_TRAILING naming the section id. */
int binfile_section_end(const zk_cursor *c, uint32_t id, zk_errbuf *err) ZK_MUST_CHECK;

/* Records the file order of the known section ids in order[0..n_known) (unknown ids
 * left out), so a writer can reproduce the file byte for byte.
 * Out: order (cap entries), *n the number written (at most cap). */
void binfile_section_order(const binfile *bf, uint32_t *order, size_t *n, size_t cap,
                           const uint32_t *known, size_t n_known) ZK_NONNULL(1, 2, 3, 5);

/* True when the little-endian numbers a and m (n bytes each) satisfy a < m. */
bool binfile_le_is_less(const uint8_t *a, const uint8_t *m, size_t n) ZK_NONNULL(1, 2);

/* Reads "u32 n8, prime[n8]" and checks n8 == 32 and prime == want.
 * Returns: ZK_OK, ZK_ERR_TRUNCATED, or ZK_ERR_MALFORMED naming what (a field) is wrong. */
int binfile_read_prime(zk_cursor *c, const uint8_t want[BINFILE_N8], const char *what,
                       zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Takes one 32-byte field element and checks it is below mod (little-endian).
 * Returns: ZK_OK, ZK_ERR_TRUNCATED, or ZK_ERR_RANGE naming what.
 * Out: *out points into the cursor's buffer (may be NULL to skip). */
int binfile_read_fe(zk_cursor *c, const uint8_t **out, const uint8_t mod[BINFILE_N8],
                    const char *what, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 3, 4);

/* Checks every coordinate of n_coords consecutive 32-byte values is below mod.
 * Returns: ZK_OK or ZK_ERR_RANGE naming what and the coordinate index. */
int binfile_check_fes(const uint8_t *p, size_t n_coords, const uint8_t mod[BINFILE_N8],
                      const char *what, zk_errbuf *err) ZK_MUST_CHECK;

/* Writes the container header. Out: b grows by 12 bytes. */
int binfile_write_header(zk_buf *b, const char magic[4], uint32_t version,
                         uint32_t n_sections) ZK_MUST_CHECK ZK_NONNULL(1, 2);
/* Starts a section: writes its id and a size placeholder. Out: *mark for _end. */
int binfile_write_section_begin(zk_buf *b, size_t *mark, uint32_t id) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);
/* Ends the section begun at mark by patching its size. */
void binfile_write_section_end(zk_buf *b, size_t mark) ZK_NONNULL(1);
int binfile_write_le32(zk_buf *b, uint32_t v) ZK_MUST_CHECK ZK_NONNULL(1);
int binfile_write_le64(zk_buf *b, uint64_t v) ZK_MUST_CHECK ZK_NONNULL(1);

/* Contribution parameters of a ptau or zkey contribution (snarkjs readContribution): a
 * list of (u8 type, value) sorted by strictly increasing type: 1 = name (u8 len, bytes),
 * 2 = numIterationsExp (u8), 3 = beacon hash (u8 len, bytes). Borrows the file buffer. */
typedef struct binfile_contrib_params {
    const uint8_t *name; /* NULL when absent; not NUL-terminated */
    size_t name_len;
    bool has_iterations_exp;
    uint8_t iterations_exp;
    const uint8_t *beacon_hash; /* NULL when absent */
    size_t beacon_hash_len;
} binfile_contrib_params;

/* Reads "u32 paramLength, params" and checks the list fills paramLength exactly.
 * Returns: ZK_OK, ZK_ERR_TRUNCATED, ZK_ERR_MALFORMED (unsorted, unknown type, overrun). */
int binfile_read_contrib_params(zk_cursor *c, binfile_contrib_params *out,
                                zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);
/* Writes "u32 paramLength, params" in snarkjs's order (name, exp, beacon hash).
 * Returns ZK_ERR_RANGE when a name or hash is longer than 255 bytes. */
int binfile_write_contrib_params(zk_buf *b, const binfile_contrib_params *p) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Reads a whole file into a new malloc'd buffer (the caller frees it).
 * Returns: ZK_OK; ZK_ERR_IO when it cannot be opened or read; ZK_ERR_RANGE when it is
 *          larger than max_len bytes (checked before reading).
 * Out: *out (malloc'd, at least 1 byte even for an empty file), *out_len. */
int binfile_read_file(uint8_t **out, size_t *out_len, const char *path, size_t max_len,
                      zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Writes len bytes to path (created or truncated). Returns ZK_OK or ZK_ERR_IO. */
int binfile_write_file(const char *path, const uint8_t *data, size_t len,
                       zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

#endif
