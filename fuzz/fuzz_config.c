/* libFuzzer harness: the relayer's config reader (relayer/config.h config_parse)
 * and the metrics listen address parser (config_parse_listen).
 *
 * Relative paths resolve against a directory that does not exist, so a keyFile
 * is never found on disk; config_parse only stats key files and never reads them.
 * An accepted config must hold NUL-terminated strings, 1..CONFIG_MAX_URLS URLs
 * per chain and exactly one of keyFile and keyEnv. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "relayer/config.h"

static bool fuzz_config_rpcs_ok(char (*rpc)[CONFIG_STR_MAX], size_t n)
{
    if (n < 1 || n > CONFIG_MAX_URLS) return false;
    for (size_t i = 0; i < n; i++)
        if (strnlen(rpc[i], CONFIG_STR_MAX) == CONFIG_STR_MAX) return false;
    return true;
}

static bool fuzz_config_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    static config cfg; /* about 40 KB */
    char listen[128], host[64];
    uint16_t port;

    /* config_parse_listen takes a C string: the first bytes, NUL-terminated. */
    size_t n = size < sizeof(listen) - 1 ? size : sizeof(listen) - 1;
    memcpy(listen, data, n);
    listen[n] = '\0';
    if (config_parse_listen(host, &port, listen) == ZK_OK) {
        FUZZ_EXPECT(ok, port >= 1 && strnlen(host, sizeof(host)) < sizeof(host));
    }

    if (config_parse(&cfg, (const char *)data, size, "/nonexistent-zkrelay-fuzz", NULL) != ZK_OK)
        return ok;
    FUZZ_EXPECT(ok, fuzz_config_rpcs_ok(cfg.source.rpc, cfg.source.n_rpc));
    FUZZ_EXPECT(ok, fuzz_config_rpcs_ok(cfg.destination.rpc, cfg.destination.n_rpc));
    FUZZ_EXPECT(ok, (cfg.destination.key_file[0] != '\0') != (cfg.destination.key_env[0] != '\0'));
    FUZZ_EXPECT(ok, strnlen(cfg.source.checkpoint, CONFIG_STR_MAX) < CONFIG_STR_MAX);
    FUZZ_EXPECT(ok, strnlen(cfg.destination.key_file, CONFIG_STR_MAX) < CONFIG_STR_MAX);
    FUZZ_EXPECT(ok, strnlen(cfg.destination.key_env, sizeof(cfg.destination.key_env)) <
                        sizeof(cfg.destination.key_env));
    FUZZ_EXPECT(ok, strnlen(cfg.database, CONFIG_STR_MAX) < CONFIG_STR_MAX);
    FUZZ_EXPECT(ok, strnlen(cfg.metrics, sizeof(cfg.metrics)) < sizeof(cfg.metrics));
    FUZZ_EXPECT(ok,
                strnlen(cfg.source.flavor, sizeof(cfg.source.flavor)) < sizeof(cfg.source.flavor));
    return ok;
}

FUZZ_ENTRY(fuzz_config_check)
