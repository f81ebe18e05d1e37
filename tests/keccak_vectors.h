/* Parsers of the Keccak team's vector files under $ZK_VECTORS/keccak (ShortMsgKAT_256.txt,
 * ExtremelyLongMsgKAT_256.txt, KeccakF-1600-IntermediateValues.txt), shared by
 * tests/lightclient/test_keccak.c and tests/prover/test_gadget_keccak.c. Header-only. */
#ifndef ZKRELAY_TESTS_KECCAK_VECTORS_H
#define ZKRELAY_TESTS_KECCAK_VECTORS_H

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lightclient/hex.h"

/* The value of a "key = value" line, or NULL when line is not about key. */
static inline const char *kat_value(const char *line, const char *key)
{
    size_t kl = strlen(key);
    if (strncmp(line, key, kl) != 0 || strncmp(line + kl, " = ", 3) != 0) return NULL;
    return line + kl + 3;
}

/* Drops trailing white space (the newline, a CR) in place. */
static inline void kat_strip(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* Reads the 200-byte state written as hex byte pairs on the lines after a heading line.
 * Returns 0, or -1 when the file ends first or a pair does not decode. Out: st[200]. */
static inline int kat_read_state(FILE *f, uint8_t st[200])
{
    static char line[4096]; /* a state line is 600 characters */
    size_t n = 0;
    while (n < 200 && fgets(line, sizeof(line), f)) {
        for (char *p = line; *p && n < 200;) {
            if (isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1])) {
                size_t got;
                if (hex_decode(st + n, 1, &got, p, 2, NULL)) return -1;
                n++;
                p += 2;
            } else
                p++;
        }
    }
    return n == 200 ? 0 : -1;
}

/* Reads the next (input, output) pair of KeccakF-1600-IntermediateValues.txt: the states
 * under "Input of permutation" and "State after permutation".
 * Returns 1 with in, out; 0 at the end of the file; -1 when a state does not parse. */
static inline int kat_trace_next(FILE *f, uint8_t in[200], uint8_t out[200])
{
    static char line[512];
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "Input of permutation", 20) == 0) {
            if (kat_read_state(f, in)) return -1;
        } else if (strncmp(line, "State after permutation", 23) == 0) {
            return kat_read_state(f, out) ? -1 : 1;
        }
    }
    return 0;
}

#endif
