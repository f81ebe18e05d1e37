/* The fault tests' environment: a real anvil (tests/relayer/anvil.h), the QBFT
 * devnet sealer in front of it, and `zkrelay-devnet faultproxy` processes in
 * front of the sealer, each started with its own schedule and stopped by PID.
 * $ZK_DEVNET_BIN names the devnet binary (make check sets it).
 * Header-only (static functions, each marked unused), like anvil.h. */
#ifndef ZKRELAY_TESTS_RELAYER_FAULTPROXY_ENV_H
#define ZKRELAY_TESTS_RELAYER_FAULTPROXY_ENV_H

#include <fcntl.h>

#include "lightclient/hex.h"

#include "relayer/anvil.h"

/* Not every includer uses every helper. */
#define FP_FN static __attribute__((unused))

typedef struct fp_proc {
    pid_t pid;
    char url[64];
    char log[512]; /* its stderr */
} fp_proc;

/* Starts $ZK_DEVNET_BIN with argv (NULL-terminated, argv[0] included), stdout
 * to /dev/null and stderr to log. Returns the PID, or -1. */
FP_FN pid_t fp_spawn(const char *const *argv, const char *log)
{
    const char *bin = getenv("ZK_DEVNET_BIN");
    if (!bin || access(bin, X_OK) != 0) {
        CHECK_MSG(false, "ZK_DEVNET_BIN not set or not executable (make check sets it)");
        return -1;
    }
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (!freopen("/dev/null", "w", stdout) || !freopen(log, "w", stderr)) _exit(127);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits (up to 10 s) until something accepts connections on port. */
FP_FN bool fp_wait_port(uint16_t port, pid_t pid)
{
    double t0 = anvil_now_s();
    while (anvil_now_s() - t0 < 10.0) {
        int status;
        if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid) return false;
        struct sockaddr_in a;
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
        if (fd >= 0) close(fd);
        if (ok) return true;
        anvil_sleep_ms(20);
    }
    return false;
}

/* Starts the sealer in front of anvil_url. */
FP_FN bool fp_sealer_start(fp_proc *s, const char *anvil_url)
{
    memset(s, 0, sizeof(*s));
    uint16_t port = anvil_free_port();
    char listen[32];
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
    snprintf(s->log, sizeof(s->log), "%s", th_tmp_path("sealer.log"));
    const char *argv[] = {"zkrelay-devnet", "sealer", "--anvil", anvil_url,
                          "--listen",       listen,   NULL};
    s->pid = fp_spawn(argv, s->log);
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", port);
    bool ok = s->pid > 0 && fp_wait_port(port, s->pid);
    CHECK_MSG(ok, "the sealer did not start (see %s)", s->log);
    return ok;
}

/* Starts a fault proxy in front of upstream with the rules faults[0..]
 * (NULL-terminated; each passed as --fault). schedule may be NULL. */
FP_FN bool fp_proxy_start(fp_proc *p, const char *upstream, const char *schedule,
                          const char *const *faults)
{
    static unsigned seq;
    memset(p, 0, sizeof(*p));
    uint16_t port = anvil_free_port();
    char listen[32], name[32];
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
    snprintf(name, sizeof(name), "proxy%u.log", seq++);
    snprintf(p->log, sizeof(p->log), "%s", th_tmp_path(name));
    const char *argv[48] = {"zkrelay-devnet", "faultproxy", "--upstream",
                            upstream,         "--listen",   listen};
    size_t n = 6;
    if (schedule) {
        argv[n++] = "--schedule";
        argv[n++] = schedule;
    }
    for (size_t i = 0; faults && faults[i] && n + 3 < 48; i++) {
        argv[n++] = "--fault";
        argv[n++] = faults[i];
    }
    argv[n] = NULL;
    p->pid = fp_spawn(argv, p->log);
    snprintf(p->url, sizeof(p->url), "http://127.0.0.1:%u", port);
    bool ok = p->pid > 0 && fp_wait_port(port, p->pid);
    CHECK_MSG(ok, "the fault proxy did not start (see %s)", p->log);
    return ok;
}

/* SIGTERM and wait; a clean exit is status 0. Returns the process's stderr
 * (malloc'd; "faultproxy: rule N (kind): K injected" lines for a proxy). */
FP_FN char *fp_stop(fp_proc *p)
{
    if (p->pid <= 0) return calloc(1, 1);
    int status = 0;
    kill(p->pid, SIGTERM);
    waitpid(p->pid, &status, 0);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s exited with status %d", p->log,
              status);
    p->pid = 0;
    char *text = th_read_text(p->log);
    return text ? text : calloc(1, 1);
}

/* How many faults rule i (1-based) injected, from fp_stop's text; -1 if absent. */
FP_FN long fp_injected(const char *log, unsigned rule)
{
    char key[32];
    snprintf(key, sizeof(key), "faultproxy: rule %u (", rule);
    const char *at = strstr(log, key);
    if (!at) return -1;
    at = strstr(at, "): ");
    if (!at) return -1;
    char *end = NULL;
    long v = strtol(at + 3, &end, 10);
    return end && strncmp(end, " injected", 9) == 0 ? v : -1;
}

/* Stops proxy p and returns the faults its first n_rules rules injected, summed (a rule
 * missing from its report is a CHECK failure). */
FP_FN uint64_t fp_stop_injected(fp_proc *p, unsigned n_rules)
{
    char *log = fp_stop(p);
    uint64_t sum = 0;
    for (unsigned r = 1; r <= n_rules; r++) {
        long v = fp_injected(log, r);
        CHECK_MSG(v >= 0, "proxy %s: no count for rule %u", p->log, r);
        if (v > 0) sum += (uint64_t)v;
    }
    free(log);
    return sum;
}

/* A client as the relayer configures one, with short timeouts and backoff so
 * the tests stay fast. */
FP_FN rpc_client *fp_client(const char *url, long timeout_ms, int retries)
{
    rpc_options o = rpc_options_default();
    o.timeout_ms = timeout_ms;
    o.max_retries = retries;
    o.backoff_initial_ms = 10;
    o.backoff_max_ms = 50;
    zk_errbuf err = {{0}, 0};
    rpc_client *c = rpc_client_new(url, &o, &err);
    CHECK_MSG(c != NULL, "rpc_client_new: %s", err.msg);
    return c;
}

/* Has anvil mine n blocks (the sealer seals them when next asked). */
FP_FN bool fp_mine(test_anvil *a, unsigned n)
{
    char q[19];
    hex_format_quantity(q, n);
    json_t *r = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(a->c, &r, "anvil_mine", json_pack("[s]", q), &err);
    CHECK_MSG(rc == ZK_OK, "anvil_mine: %s", err.msg);
    json_decref(r);
    return rc == ZK_OK;
}

#endif
