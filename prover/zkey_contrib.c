/* Phase-2 contributions to snarkjs .zkey files; contracts in zkey_contrib.h. */
#include "prover/zkey_contrib.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "prover/fp.h"
#include "prover/fp_tower.h"
#include "prover/fr.h"
#include "prover/g1.h"
#include "prover/g2.h"
#include "prover/groth16.h"
#include "prover/msm.h"
#include "prover/pairing.h"
#include "prover/threads.h"

/* ---- ffjavascript's ChaCha and fromRng ------------------------------------------ */

/* ffjavascript src/chacha.js: the ChaCha20 block function over a 16-word state
 * ("expand 32-byte k", 8 seed words, words 12..15 a 128-bit block counter starting at
 * 0), handing out the 16 output words one by one. */
typedef struct chacha_rng {
    uint32_t state[16];
    uint32_t out[16];
    unsigned idx;
} chacha_rng;

static uint32_t rotl32(uint32_t v, unsigned n)
{
    return (v << n) | (v >> (32 - n));
}

static void chacha_qr(uint32_t *s, int a, int b, int c, int d)
{
    s[a] += s[b];
    s[d] = rotl32(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = rotl32(s[b] ^ s[c], 12);
    s[a] += s[b];
    s[d] = rotl32(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = rotl32(s[b] ^ s[c], 7);
}

/* In: seed, 32 bytes read as 8 big-endian words (snarkjs reads every seed hash with
 * DataView.getUint32, big-endian by default). */
static void chacha_init(chacha_rng *r, const uint8_t seed[32])
{
    static const uint32_t sigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < 4; i++)
        r->state[i] = sigma[i];
    for (int i = 0; i < 8; i++)
        r->state[4 + i] = (uint32_t)seed[4 * i] << 24 | (uint32_t)seed[4 * i + 1] << 16 |
                          (uint32_t)seed[4 * i + 2] << 8 | seed[4 * i + 3];
    r->idx = 16;
}

static uint32_t chacha_u32(chacha_rng *r)
{
    if (r->idx == 16) {
        uint32_t *s = r->out;
        memcpy(s, r->state, sizeof(r->out));
        for (int i = 0; i < 10; i++) {
            chacha_qr(s, 0, 4, 8, 12);
            chacha_qr(s, 1, 5, 9, 13);
            chacha_qr(s, 2, 6, 10, 14);
            chacha_qr(s, 3, 7, 11, 15);
            chacha_qr(s, 0, 5, 10, 15);
            chacha_qr(s, 1, 6, 11, 12);
            chacha_qr(s, 2, 7, 8, 13);
            chacha_qr(s, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++)
            s[i] += r->state[i];
        r->idx = 0;
        for (int i = 12; i < 16 && ++r->state[i] == 0; i++)
            ;
    }
    return r->out[r->idx++];
}

/* ChaCha.nextU64: the first word is the high half. */
static uint64_t chacha_u64(chacha_rng *r)
{
    uint64_t hi = chacha_u32(r);
    return hi << 32 | chacha_u32(r);
}

/* wasm_field1.js fromRng: 4 u64 limbs (least significant first) masked to the 254 bits
 * of the prime, redrawn while >= p. The limbs are the element's Montgomery
 * representation, which is exactly how fp/fr store an element. */
static void chacha_field(uint64_t v[4], chacha_rng *r, const zk_field *f)
{
    do {
        for (int i = 0; i < 4; i++)
            v[i] = chacha_u64(r);
        v[3] &= (UINT64_C(1) << 62) - 1;
    } while (zkf_limbs_geq(v, f->p));
}

/* wasm f1m_isNegative: the canonical value is above (p - 1) / 2. */
static bool fp_is_negative(const fp *a)
{
    /* (q - 1) / 2 */
    static const uint64_t half[4] = {0x9e10460b6c3e7ea3ULL, 0xcbc0b548b438e546ULL,
                                     0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};
    uint64_t v[4];
    fp_to_limbs(v, a);
    return !zkf_limbs_geq(half, v);
}

/* wasm f2m_isNegative: the sign of c1, or of c0 when c1 is zero. */
static bool fp2_is_negative(const fp2 *a)
{
    return fp_is_negative(fp_is_zero(&a->c1) ? &a->c0 : &a->c1);
}

/* wasm_curve.js fromRng on G1 (cofactor 1). */
static void g1_from_chacha(g1_affine *p, chacha_rng *r)
{
    fp rhs;
    bool greatest;
    for (;;) {
        chacha_field(p->x.v, r, &FP_FIELD);
        greatest = (chacha_u32(r) & 1) != 0;
        fp_sqr(&rhs, &p->x);
        fp_mul(&rhs, &rhs, &p->x);
        fp_add(&rhs, &rhs, &G1_B);
        if (fp_sqrt(&p->y, &rhs) == ZK_OK) break;
    }
    if (greatest != fp_is_negative(&p->y)) fp_neg(&p->y, &p->y);
}

/* wasm_curve.js fromRng on G2: a twist point, then times the cofactor 2p - r. */
static void g2_from_chacha(g2_affine *p, chacha_rng *r)
{
    static const uint64_t cofactor[4] = {0x345f2299c0f9fa8dULL, 0x06ceecda572a2489ULL,
                                         0xb85045b68181585eULL, 0x30644e72e131a029ULL};
    g2_affine t;
    fp2 rhs;
    bool greatest;
    for (;;) {
        chacha_field(t.x.c0.v, r, &FP_FIELD);
        chacha_field(t.x.c1.v, r, &FP_FIELD);
        greatest = (chacha_u32(r) & 1) != 0;
        fp2_sqr(&rhs, &t.x);
        fp2_mul(&rhs, &rhs, &t.x);
        fp2_add(&rhs, &rhs, &G2_B);
        if (fp2_sqrt(&t.y, &rhs) == ZK_OK) break;
    }
    if (greatest != fp2_is_negative(&t.y)) fp2_neg(&t.y, &t.y);
    g2_jacobian j;
    g2_jacobian_from_affine(&j, &t);
    g2_jacobian_mul(&j, &j, cofactor);
    g2_jacobian_to_affine(p, &j);
}

/* keypair.js hashToG2: the first 32 bytes of the transcript seed the stream. */
static void g2_hash_to(g2_affine *p, const uint8_t transcript[64])
{
    chacha_rng r;
    chacha_init(&r, transcript);
    g2_from_chacha(p, &r);
}

/* ---- point codecs and hashing ---------------------------------------------------- */

/* zkey_utils.js hashG1/hashG2: the point as toRprUncompressed writes it, each coordinate
 * big-endian canonical, G2 as x.c1, x.c0, y.c1, y.c0 (the EIP-197 order), infinity as
 * zeros. Converting coordinate by coordinate gives exactly that, infinity included (the
 * Montgomery form of 0 is 0), without decoding the point: a record is hashed as stored.
 * Precondition: every coordinate < q (zkey_file_parse checks it). */
static int hash_point(EVP_MD_CTX *h, const uint8_t *mont, size_t n_coords)
{
    static const size_t g2_order[4] = {1, 0, 3, 2};
    uint8_t be[128];
    for (size_t i = 0; i < n_coords; i++) {
        fp c;
        size_t src = n_coords == 4 ? g2_order[i] : i;
        if (fp_from_mont_le(&c, mont + 32 * src, NULL)) return ZK_ERR_INTERNAL;
        fp_to_bytes_be(be + 32 * i, &c);
    }
    return EVP_DigestUpdate(h, be, 32 * n_coords) == 1 ? ZK_OK : ZK_ERR_INTERNAL;
}

/* zkey_utils.js hashPubKey. */
static int hash_pubkey(EVP_MD_CTX *h, const zkey_file_contrib *c)
{
    if (hash_point(h, c->delta_after, 2) || hash_point(h, c->g1_s, 2) ||
        hash_point(h, c->g1_sx, 2) || hash_point(h, c->g2_spx, 4) ||
        EVP_DigestUpdate(h, c->transcript, 64) != 1)
        return ZK_ERR_INTERNAL;
    return ZK_OK;
}

static int digest_final(EVP_MD_CTX *h, uint8_t out[64])
{
    unsigned len = 0;
    return EVP_DigestFinal_ex(h, out, &len) == 1 && len == 64 ? ZK_OK : ZK_ERR_INTERNAL;
}

/* The contribution hash: blake2b-512 of hashPubKey alone. */
static int contrib_hash(uint8_t out[64], const zkey_file_contrib *c)
{
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    int rc = ZK_ERR_INTERNAL;
    if (h && EVP_DigestInit_ex(h, EVP_blake2b512(), NULL) == 1 && !hash_pubkey(h, c))
        rc = digest_final(h, out);
    EVP_MD_CTX_free(h);
    return rc;
}

/* The accumulated transcript hasher: csHash, then hashPubKey of each of the first n
 * records. */
static int transcript_start(EVP_MD_CTX *h, const zkey_file *z, uint32_t n)
{
    if (EVP_DigestInit_ex(h, EVP_blake2b512(), NULL) != 1 ||
        EVP_DigestUpdate(h, z->cs_hash, 64) != 1)
        return ZK_ERR_INTERNAL;
    for (uint32_t i = 0; i < n; i++)
        if (hash_pubkey(h, &z->contributions[i])) return ZK_ERR_INTERNAL;
    return ZK_OK;
}

/* misc.js rngFromBeaconParams: SHA-256 iterated 2^exp times (the first time over the
 * whole beacon hash, then over 32 bytes). Precondition: 1 <= exp <= 63. */
static void beacon_seed(uint8_t seed[32], const uint8_t *beacon, size_t len, unsigned exp)
{
    SHA256(beacon, len, seed);
    for (uint64_t i = 1; i < (UINT64_C(1) << exp); i++)
        SHA256(seed, 32, seed);
}

/* The secret and the G1 half of its proof of knowledge, drawn in snarkjs's order:
 * prvKey, then g1_s. g1_sx = k g1_s. */
static int key_draw(fr *k, g1_affine *g1_s, g1_affine *g1_sx, chacha_rng *r)
{
    chacha_field(k->v, r, &FR_FIELD);
    if (fr_is_zero(k)) return ZK_ERR_REJECTED; /* probability 2^-254; snarkjs would divide by 0 */
    g1_from_chacha(g1_s, r);
    uint64_t kl[4];
    fr_to_limbs(kl, k);
    g1_jacobian j;
    g1_jacobian_from_affine(&j, g1_s);
    g1_jacobian_mul(&j, &j, kl);
    g1_jacobian_to_affine(g1_sx, &j);
    zk_wipe(kl, sizeof(kl));
    return ZK_OK;
}

/* ---- applying k^-1 to the L and H sections ---------------------------------------- */

typedef struct scale_job {
    const g1_affine *in;
    g1_jacobian *jac;
    g1_affine *aff;
    fp *scratch;
    uint8_t *out; /* n x 64 bytes, Montgomery LE */
    uint64_t k[4];
} scale_job;

static void scale_piece(void *ctx, unsigned tid, size_t begin, size_t end)
{
    (void)tid;
    scale_job *j = ctx;
    for (size_t i = begin; i < end; i++) {
        g1_jacobian_from_affine(&j->jac[i], &j->in[i]);
        g1_jacobian_mul(&j->jac[i], &j->jac[i], j->k);
    }
    g1_jacobian_batch_to_affine(j->aff + begin, j->jac + begin, end - begin, j->scratch + begin);
    for (size_t i = begin; i < end; i++)
        groth16_g1_to_zkey(j->out + 64 * i, &j->aff[i]);
}

/* out[i] = k * in[i] for n points of a .zkey section (mpc_applykey.js with inc = 1).
 * Out: out, n x 64 bytes. */
static int section_scale(uint8_t *out, const uint8_t *in, size_t n, const uint64_t k[4],
                         const char *what, unsigned threads, zk_errbuf *err)
{
    if (n == 0) return ZK_OK;
    scale_job j;
    memset(&j, 0, sizeof(j));
    g1_affine *pts = malloc(n * sizeof(*pts));
    j.jac = malloc(n * sizeof(*j.jac));
    j.aff = malloc(n * sizeof(*j.aff));
    j.scratch = malloc(n * sizeof(*j.scratch));
    int rc = ZK_OK;
    if (!pts || !j.jac || !j.aff || !j.scratch) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory scaling %zu %s points", n, what);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = groth16_g1_from_zkey(&pts[i], in + 64 * i, what, i, err))) goto out;
    j.in = pts;
    j.out = out;
    memcpy(j.k, k, sizeof(j.k));
    threads_run(threads, n, scale_piece, &j);
out:
    zk_wipe(j.k, sizeof(j.k));
    free(pts);
    free(j.jac);
    free(j.aff);
    free(j.scratch);
    return rc;
}

/* ---- contribute / beacon ----------------------------------------------------------- */

/* The byte length of name as snarkjs writes it: name.substring(0, 64) counts UTF-16
 * code units (a 4-byte UTF-8 sequence is 2 units); a cut inside a pair is not made (the
 * pair is dropped whole, where JavaScript would write a lone surrogate's U+FFFD).
 * Returns ZK_ERR_USAGE for invalid UTF-8. */
static int name_cut(size_t *cut, const char *name, zk_errbuf *err)
{
    const uint8_t *s = (const uint8_t *)name;
    size_t i = 0, units = 0;
    *cut = 0;
    while (s[i]) {
        size_t n = s[i] < 0x80             ? 1
                   : (s[i] & 0xe0) == 0xc0 ? 2
                   : (s[i] & 0xf0) == 0xe0 ? 3
                   : (s[i] & 0xf8) == 0xf0 ? 4
                                           : 0;
        if (n == 0 || (n == 2 && s[i] < 0xc2) || (n == 4 && s[i] > 0xf4))
            return ZK_FAIL(err, ZK_ERR_USAGE, "contribution name: invalid UTF-8 at byte %zu", i);
        uint32_t cp = n == 1 ? s[i] : (uint32_t)(s[i] & (0x7f >> n));
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return ZK_FAIL(err, ZK_ERR_USAGE, "contribution name: invalid UTF-8 at byte %zu",
                               i);
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
            return ZK_FAIL(err, ZK_ERR_USAGE, "contribution name: invalid UTF-8 at byte %zu", i);
        size_t u = n == 4 ? 2 : 1;
        if (units + u > ZKEY_CONTRIB_NAME_MAX_UNITS) break;
        units += u;
        i += n;
        *cut = i;
    }
    return ZK_OK;
}

static bool is_dev_key(const zkey_file *z)
{
    size_t wl = strlen(GROTH16_DEV_SETUP_WARNING);
    for (uint32_t i = 0; i < z->n_contributions; i++) {
        const binfile_contrib_params *p = &z->contributions[i].params;
        if (p->name && p->name_len == wl && memcmp(p->name, GROTH16_DEV_SETUP_WARNING, wl) == 0)
            return true;
    }
    return false;
}

/* The shared body of contribute and beacon (zkey_contribute.js / zkey_beacon.js), the
 * secret drawn from r. params: the new record's name/beacon parameters. */
static int contrib_apply(zk_buf *out, uint8_t hash[64], const zkey_file *in, chacha_rng *r,
                         uint32_t type, const binfile_contrib_params *params, unsigned threads,
                         zk_errbuf *err)
{
    if (!in->has_mpc)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND,
                       "the zkey has no MPC section (10): not a snarkjs setup output");
    if (is_dev_key(in))
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "the zkey is a zkrelay development key: its toxic waste was seen by one "
                       "machine and no contribution can repair that; set up from a .ptau");
    if (in->n_contributions == UINT32_MAX)
        return ZK_FAIL(err, ZK_ERR_RANGE, "the zkey already holds 2^32 - 1 contributions");
    size_t nv = in->n_vars, npub = (size_t)in->n_public + 1, nd = in->domain_size;
    size_t nl = nv >= npub ? nv - npub : 0;
    fr k, kinv;
    uint64_t kl[4], kinvl[4];
    g1_affine delta1, g1_s, g1_sx;
    g2_affine delta2, g2_sp, g2_spx;
    g1_jacobian j1;
    g2_jacobian j2;
    uint8_t transcript[64], rec_delta[64], rec_s[64], rec_sx[64], rec_spx[128];
    zkey_file z;
    zkey_file_contrib *list = NULL;
    uint8_t *l = malloc(nl ? nl * 64 : 1), *h = malloc(nd ? nd * 64 : 1);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = ZK_OK;
    if (!l || !h || !md ||
        !(list = calloc((size_t)in->n_contributions + 1, sizeof(zkey_file_contrib)))) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory for a %u-variable key", in->n_vars);
        goto out;
    }
    if ((rc = groth16_g1_from_zkey(&delta1, in->delta1, "delta1", 0, err)) ||
        (rc = groth16_g2_from_zkey(&delta2, in->delta2, true, "delta2", 0, err)))
        goto out;
    if ((rc = transcript_start(md, in, in->n_contributions))) {
        ZK_FAIL(err, rc, "blake2b failed");
        goto out;
    }
    if ((rc = key_draw(&k, &g1_s, &g1_sx, r))) {
        ZK_FAIL(err, rc, "the drawn secret is zero; draw again");
        goto out;
    }
    groth16_g1_to_zkey(rec_s, &g1_s);
    groth16_g1_to_zkey(rec_sx, &g1_sx);
    if (hash_point(md, rec_s, 2) || hash_point(md, rec_sx, 2) || digest_final(md, transcript)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "blake2b failed");
        goto out;
    }
    g2_hash_to(&g2_sp, transcript);
    fr_to_limbs(kl, &k);
    g2_jacobian_from_affine(&j2, &g2_sp);
    g2_jacobian_mul(&j2, &j2, kl);
    g2_jacobian_to_affine(&g2_spx, &j2);
    groth16_g2_to_zkey(rec_spx, &g2_spx);
    g1_jacobian_from_affine(&j1, &delta1);
    g1_jacobian_mul(&j1, &j1, kl);
    g1_jacobian_to_affine(&delta1, &j1);
    g2_jacobian_from_affine(&j2, &delta2);
    g2_jacobian_mul(&j2, &j2, kl);
    g2_jacobian_to_affine(&delta2, &j2);
    groth16_g1_to_zkey(rec_delta, &delta1);
    if (fr_inv(&kinv, &k)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "inverting the secret failed");
        goto out;
    }
    fr_to_limbs(kinvl, &kinv);
    if ((rc = section_scale(l, in->c, nl, kinvl, "L", threads, err)) ||
        (rc = section_scale(h, in->h, nd, kinvl, "H", threads, err)))
        goto out;

    if (in->n_contributions) memcpy(list, in->contributions, in->n_contributions * sizeof(*list));
    zkey_file_contrib *c = &list[in->n_contributions];
    c->delta_after = rec_delta;
    c->g1_s = rec_s;
    c->g1_sx = rec_sx;
    c->g2_spx = rec_spx;
    c->transcript = transcript;
    c->type = type;
    c->params = *params;

    z = *in;
    groth16_g1_to_zkey(z.delta1, &delta1);
    groth16_g2_to_zkey(z.delta2, &delta2);
    z.c = l;
    z.h = h;
    z.contributions = list;
    z.n_contributions = in->n_contributions + 1;
    for (uint32_t i = 0; i < 10; i++)
        z.order[i] = i + 1;
    z.n_order = 10;
    if ((rc = zkey_file_write(out, &z))) {
        ZK_FAIL(err, rc, "writing the zkey: %s", zk_strerror(rc));
        goto out;
    }
    if ((rc = contrib_hash(hash, c))) ZK_FAIL(err, rc, "blake2b failed");
out:
    zk_wipe(&k, sizeof(k));
    zk_wipe(&kinv, sizeof(kinv));
    zk_wipe(kl, sizeof(kl));
    zk_wipe(kinvl, sizeof(kinvl));
    EVP_MD_CTX_free(md);
    free(list);
    free(l);
    free(h);
    return rc;
}

/* Out: params zeroed, then named after name (cut as name_cut says; NULL: unnamed).
 * Returns: ZK_OK; name_cut's error. */
static int params_init(binfile_contrib_params *params, const char *name, zk_errbuf *err)
{
    memset(params, 0, sizeof(*params));
    size_t cut = 0;
    int rc = name ? name_cut(&cut, name, err) : ZK_OK;
    if (rc == ZK_OK && cut) {
        params->name = (const uint8_t *)name;
        params->name_len = cut;
    }
    return rc;
}

int zkey_contrib_contribute(zk_buf *out, uint8_t hash[64], const zkey_file *in,
                            const uint8_t *entropy, size_t entropy_len, const char *name,
                            unsigned threads, zk_errbuf *err)
{
    binfile_contrib_params params;
    int rc = params_init(&params, name, err);
    if (rc) return rc;
    uint8_t sys[64], digest[64];
    chacha_rng r;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    rc = ZK_ERR_INTERNAL;
    /* misc.js getRandomRng: blake2b-512(64 system random bytes || entropy). */
    if (!md || RAND_bytes(sys, (int)sizeof(sys)) != 1 ||
        EVP_DigestInit_ex(md, EVP_blake2b512(), NULL) != 1 ||
        EVP_DigestUpdate(md, sys, sizeof(sys)) != 1 ||
        (entropy_len && EVP_DigestUpdate(md, entropy, entropy_len) != 1) ||
        digest_final(md, digest)) {
        ZK_FAIL(err, rc, "cannot draw the contribution's randomness (OpenSSL failed)");
    } else {
        chacha_init(&r, digest);
        rc = contrib_apply(out, hash, in, &r, 0, &params, threads, err);
    }
    EVP_MD_CTX_free(md);
    zk_wipe(sys, sizeof(sys));
    zk_wipe(digest, sizeof(digest));
    zk_wipe(&r, sizeof(r));
    return rc;
}

int zkey_contrib_beacon(zk_buf *out, uint8_t hash[64], const zkey_file *in,
                        const uint8_t *beacon_hash, size_t beacon_len, unsigned iter_exp,
                        const char *name, unsigned threads, zk_errbuf *err)
{
    if (beacon_len == 0 || beacon_len > ZKEY_CONTRIB_BEACON_MAX_HASH)
        return ZK_FAIL(err, ZK_ERR_USAGE, "the beacon hash must be 1..%d bytes, not %zu",
                       ZKEY_CONTRIB_BEACON_MAX_HASH, beacon_len);
    if (iter_exp < ZKEY_CONTRIB_BEACON_MIN_EXP || iter_exp > ZKEY_CONTRIB_BEACON_MAX_EXP)
        return ZK_FAIL(err, ZK_ERR_USAGE, "the beacon iteration exponent must be %d..%d, not %u",
                       ZKEY_CONTRIB_BEACON_MIN_EXP, ZKEY_CONTRIB_BEACON_MAX_EXP, iter_exp);
    binfile_contrib_params params;
    int rc = params_init(&params, name, err);
    if (rc) return rc;
    params.has_iterations_exp = true;
    params.iterations_exp = (uint8_t)iter_exp;
    params.beacon_hash = beacon_hash;
    params.beacon_hash_len = beacon_len;
    uint8_t seed[32];
    chacha_rng r;
    beacon_seed(seed, beacon_hash, beacon_len, iter_exp);
    chacha_init(&r, seed);
    rc = contrib_apply(out, hash, in, &r, 1, &params, threads, err);
    zk_wipe(&r, sizeof(r));
    return rc;
}

/* ---- verify ----------------------------------------------------------------------- */

/* misc.js sameRatio: none of the four points is infinity and e(a1, b2) == e(b1, a2),
 * checked as e(a1, b2) e(-b1, a2) == 1. */
static bool same_ratio(const g1_affine *a1, const g1_affine *b1, const g2_affine *a2,
                       const g2_affine *b2)
{
    if (g1_affine_is_infinity(a1) || g1_affine_is_infinity(b1) || g2_affine_is_infinity(a2) ||
        g2_affine_is_infinity(b2))
        return false;
    g1_affine p[2];
    g2_affine q[2] = {*b2, *a2};
    p[0] = *a1;
    g1_affine_neg(&p[1], b1);
    return pairing_check(p, q, 2);
}

/* Random MSM scalars from OpenSSL's CSPRNG; a failure is recorded and checked after. */
typedef struct sys_rng {
    bool failed;
} sys_rng;

static uint64_t sys_rng_next(void *ctx)
{
    sys_rng *s = ctx;
    uint8_t b[8];
    if (RAND_bytes(b, 8) != 1) {
        s->failed = true;
        return 0;
    }
    return le64_load(b);
}

/* e(sum s_i p0_i, d0) == e(sum s_i p1_i, d1) for random s: the section p1 is p0 scaled
 * by the ratio of the deltas (zkey_verify_frominit.js sectionHasSameRatio). An empty
 * section passes, as in snarkjs. */
static int section_ratio(const uint8_t *p0_bytes, const uint8_t *p1_bytes, size_t n,
                         const g2_affine *d0, const g2_affine *d1, const char *what,
                         unsigned threads, zk_errbuf *err)
{
    if (n == 0) return ZK_OK;
    g1_affine *p0 = malloc(n * sizeof(*p0)), *p1 = malloc(n * sizeof(*p1));
    fr *s = malloc(n * sizeof(*s));
    sys_rng sr = {false};
    int rc = ZK_OK;
    if (!p0 || !p1 || !s) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory checking %zu %s points", n, what);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = groth16_g1_from_zkey(&p0[i], p0_bytes + 64 * i, "initial key", i, err)) ||
            (rc = groth16_g1_from_zkey(&p1[i], p1_bytes + 64 * i, what, i, err)))
            goto out;
    for (size_t i = 0; i < n; i++)
        fr_random(&s[i], sys_rng_next, &sr);
    if (sr.failed) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "the system random generator failed");
        goto out;
    }
    g1_jacobian j0, j1;
    if ((rc = g1_msm(&j0, p0, s, n, threads, NULL, err)) ||
        (rc = g1_msm(&j1, p1, s, n, threads, NULL, err)))
        goto out;
    g1_affine r0, r1;
    g1_jacobian_to_affine(&r0, &j0);
    g1_jacobian_to_affine(&r1, &j1);
    /* e(r0, d0) == e(r1, d1) */
    if (!same_ratio(&r0, &r1, d1, d0))
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "%s section does not match delta: it is not the initial key's divided by "
                     "the contributions' secrets",
                     what);
out:
    free(p0);
    free(p1);
    free(s);
    return rc;
}

/* One record of the chain (the loop body of phase2verifyFromInit). In/Out: *cur_delta
 * (the previous deltaAfter; this record's on success). In/Out: acc (the accumulated
 * transcript hasher, extended by this record). */
static int verify_record(uint8_t hash[64], g1_affine *cur_delta, EVP_MD_CTX *acc,
                         const zkey_file_contrib *c, uint32_t i, zk_errbuf *err)
{
    g1_affine after, g1_s, g1_sx;
    g2_affine g2_spx, g2_sp;
    uint8_t transcript[64];
    EVP_MD_CTX *ours = EVP_MD_CTX_new();
    int rc = ZK_OK;
    if (!ours) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if ((rc = groth16_g1_from_zkey(&after, c->delta_after, "deltaAfter", 0, err)) ||
        (rc = groth16_g1_from_zkey(&g1_s, c->g1_s, "g1_s", 0, err)) ||
        (rc = groth16_g1_from_zkey(&g1_sx, c->g1_sx, "g1_sx", 0, err)) ||
        (rc = groth16_g2_from_zkey(&g2_spx, c->g2_spx, true, "g2_spx", 0, err))) {
        zk_fail_wrap(err, rc, "contribution #%u", i + 1);
        goto out;
    }
    if (EVP_MD_CTX_copy_ex(ours, acc) != 1 || hash_point(ours, c->g1_s, 2) ||
        hash_point(ours, c->g1_sx, 2) || digest_final(ours, transcript)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "blake2b failed");
        goto out;
    }
    if (memcmp(transcript, c->transcript, 64) != 0) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "contribution #%u: inconsistent transcript", i + 1);
        goto out;
    }
    g2_hash_to(&g2_sp, transcript);
    if (!same_ratio(&g1_s, &g1_sx, &g2_sp, &g2_spx)) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "contribution #%u: the G1 and G2 halves of the public key do not have the "
                     "same ratio",
                     i + 1);
        goto out;
    }
    if (!same_ratio(cur_delta, &after, &g2_sp, &g2_spx)) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "contribution #%u: deltaAfter does not follow from the previous delta and "
                     "the public key",
                     i + 1);
        goto out;
    }
    if (c->type == 1) {
        const binfile_contrib_params *p = &c->params;
        if (!p->has_iterations_exp || !p->beacon_hash || p->beacon_hash_len == 0 ||
            p->iterations_exp < ZKEY_CONTRIB_BEACON_MIN_EXP ||
            p->iterations_exp > ZKEY_CONTRIB_BEACON_MAX_EXP) {
            rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                         "contribution #%u: a beacon without a valid hash and iteration count",
                         i + 1);
            goto out;
        }
        uint8_t seed[32];
        chacha_rng r;
        fr k;
        g1_affine e_s, e_sx;
        beacon_seed(seed, p->beacon_hash, p->beacon_hash_len, p->iterations_exp);
        chacha_init(&r, seed);
        if (key_draw(&k, &e_s, &e_sx, &r) || !g1_affine_eq(&e_s, &g1_s) ||
            !g1_affine_eq(&e_sx, &g1_sx)) {
            rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                         "contribution #%u: the beacon's key does not match its hash", i + 1);
            goto out;
        }
    } else if (c->type != 0) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "contribution #%u: unknown type %u", i + 1, c->type);
        goto out;
    }
    if (hash_pubkey(acc, c) || contrib_hash(hash, c)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "blake2b failed");
        goto out;
    }
    *cur_delta = after;
out:
    EVP_MD_CTX_free(ours);
    return rc;
}

static bool coefs_equal(const zkey_file *a, const zkey_file *b)
{
    if (a->n_coefs != b->n_coefs) return false;
    for (uint32_t i = 0; i < a->n_coefs; i++) {
        const zkey_file_coef *x = &a->coefs[i], *y = &b->coefs[i];
        if (x->matrix != y->matrix || x->constraint != y->constraint || x->signal != y->signal ||
            memcmp(x->value, y->value, sizeof(x->value)) != 0)
            return false;
    }
    return true;
}

int zkey_contrib_verify(uint8_t (*hashes)[64], const zkey_file *init, const zkey_file *z,
                        unsigned threads, zk_errbuf *err)
{
    if (!z->has_mpc || !init->has_mpc)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "%s has no MPC section (10)",
                       z->has_mpc ? "the initial key" : "the zkey");
    if (z->n_vars != init->n_vars || z->n_public != init->n_public ||
        z->domain_size != init->domain_size || z->n_public >= z->n_vars)
        return ZK_FAIL(err, ZK_ERR_MISMATCH,
                       "different circuit parameters: nVars %u/%u, nPublic %u/%u, domainSize "
                       "%u/%u (zkey/initial)",
                       z->n_vars, init->n_vars, z->n_public, init->n_public, z->domain_size,
                       init->domain_size);
    int rc = ZK_ERR_REJECTED;
    EVP_MD_CTX *acc = EVP_MD_CTX_new();
    g1_affine cur, delta1;
    g2_affine g2, delta2, delta2_0;
    g1_generator(&cur);
    g2_generator(&g2);
    if (!acc) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if (transcript_start(acc, z, 0)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "blake2b failed");
        goto out;
    }
    for (uint32_t i = 0; i < z->n_contributions; i++) {
        uint8_t h[64];
        if ((rc = verify_record(h, &cur, acc, &z->contributions[i], i, err))) goto out;
        if (hashes) memcpy(hashes[i], h, 64);
    }
    static const struct {
        size_t off, len;
        const char *what;
    } hdr[] = {
        {offsetof(zkey_file, alpha1), BINFILE_G1_SIZE, "alpha1"},
        {offsetof(zkey_file, beta1), BINFILE_G1_SIZE, "beta1"},
        {offsetof(zkey_file, beta2), BINFILE_G2_SIZE, "beta2"},
        {offsetof(zkey_file, gamma2), BINFILE_G2_SIZE, "gamma2"},
        {offsetof(zkey_file, cs_hash), 64, "csHash (the circuit)"},
    };
    for (size_t i = 0; i < sizeof(hdr) / sizeof(*hdr); i++)
        if (memcmp((const uint8_t *)z + hdr[i].off, (const uint8_t *)init + hdr[i].off,
                   hdr[i].len) != 0) {
            rc = ZK_FAIL(err, ZK_ERR_MISMATCH, "%s differs from the initial key", hdr[i].what);
            goto out;
        }
    size_t nv = z->n_vars, npub = (size_t)z->n_public + 1;
    static const char *const names[5] = {"IC", "coefficient", "A", "B1", "B2"};
    const bool same[5] = {memcmp(z->ic, init->ic, npub * 64) == 0, coefs_equal(z, init),
                          memcmp(z->a, init->a, nv * 64) == 0,
                          memcmp(z->b1, init->b1, nv * 64) == 0,
                          memcmp(z->b2, init->b2, nv * 128) == 0};
    for (size_t i = 0; i < 5; i++)
        if (!same[i]) {
            rc = ZK_FAIL(err, ZK_ERR_MISMATCH, "the %s section differs from the initial key",
                         names[i]);
            goto out;
        }
    if ((rc = groth16_g1_from_zkey(&delta1, z->delta1, "delta1", 0, err)) ||
        (rc = groth16_g2_from_zkey(&delta2, z->delta2, true, "delta2", 0, err)) ||
        (rc = groth16_g2_from_zkey(&delta2_0, init->delta2, true, "initial delta2", 0, err)))
        goto out;
    if (!g1_affine_eq(&delta1, &cur)) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "delta1 is not the last contribution's deltaAfter");
        goto out;
    }
    g1_affine g1;
    g1_generator(&g1);
    if (!same_ratio(&g1, &cur, &g2, &delta2)) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "delta2 does not match delta1");
        goto out;
    }
    if ((rc = section_ratio(init->c, z->c, nv - npub, &delta2_0, &delta2, "L", threads, err)) ||
        (rc = section_ratio(init->h, z->h, z->domain_size, &delta2_0, &delta2, "H", threads, err)))
        goto out;
    rc = ZK_OK;
out:
    EVP_MD_CTX_free(acc);
    return rc;
}
