/* A real anvil node for tests: started on a free loopback port from $ZK_ANVIL
 * (set by tests/run.sh), dies with the test process, stopped by its PID.
 * Header-only (static functions) so each test binary links it alone. */
#ifndef ZKRELAY_TESTS_RELAYER_ANVIL_H
#define ZKRELAY_TESTS_RELAYER_ANVIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "relayer/rpc.h"

#define ANVIL_CHAIN_ID 31337

typedef struct test_anvil {
    pid_t pid;
    char url[64];
    rpc_client *c; /* a client for it, owned */
} test_anvil;

static void anvil_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double anvil_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Finds a free loopback port by binding port 0. */
static uint16_t anvil_free_port(void)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    uint16_t port = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* SIGTERM, then SIGKILL after 5 s; frees the client. */
static void test_anvil_stop(test_anvil *a)
{
    rpc_client_free(a->c);
    a->c = NULL;
    if (a->pid <= 0) return;
    int status;
    kill(a->pid, SIGTERM);
    for (int i = 0; i < 50; i++) {
        if (waitpid(a->pid, &status, WNOHANG) == a->pid) {
            a->pid = 0;
            return;
        }
        anvil_sleep_ms(100);
    }
    kill(a->pid, SIGKILL);
    waitpid(a->pid, &status, 0);
    a->pid = 0;
}

/* Starts anvil and waits (up to 10 s) until eth_chainId answers 31337. A
 * missing binary or a node that does not answer fails the current test.
 * Returns true when the node is ready. */
static bool test_anvil_start(test_anvil *a, long timeout_ms)
{
    memset(a, 0, sizeof(*a));
    const char *bin = getenv("ZK_ANVIL");
    if (!bin || access(bin, X_OK) != 0) {
        CHECK_MSG(false, "anvil not found at %s (tests/run.sh sets ZK_ANVIL; `make deps`)",
                  bin ? bin : "(ZK_ANVIL unset)");
        return false;
    }
    uint16_t port = anvil_free_port();
    CHECK(port != 0);
    char port_s[8];
    snprintf(port_s, sizeof(port_s), "%u", port);
    pid_t parent = getpid();
    fflush(NULL);
    a->pid = fork();
    CHECK(a->pid >= 0);
    if (a->pid == 0) {
        /* Dies with the test even when the test crashes before test_anvil_stop. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        execl(bin, "anvil", "--host", "127.0.0.1", "--port", port_s, "--silent", (char *)NULL);
        _exit(127);
    }
    if (a->pid < 0) return false;
    snprintf(a->url, sizeof(a->url), "http://127.0.0.1:%u", port);
    rpc_options o = rpc_options_default();
    o.timeout_ms = timeout_ms;
    o.max_retries = 0; /* the start-up poll below does the waiting */
    zk_errbuf err = {{0}, 0};
    a->c = rpc_client_new(a->url, &o, &err);
    CHECK_MSG(a->c != NULL, "rpc_client_new: %s", err.msg);
    if (!a->c) return false;
    double t0 = anvil_now_s();
    uint64_t id = 0;
    int rc = -1;
    while (anvil_now_s() - t0 < 10.0) {
        rc = rpc_eth_chain_id(a->c, &id, &err);
        if (rc == ZK_OK) break;
        int status;
        if (waitpid(a->pid, &status, WNOHANG) == a->pid) {
            a->pid = 0;
            CHECK_MSG(false, "anvil exited during start-up (status %d)", status);
            return false;
        }
        anvil_sleep_ms(100);
    }
    CHECK_MSG(rc == ZK_OK, "anvil did not answer eth_chainId within 10 s: %s", err.msg);
    CHECK_EQ_INT(id, ANVIL_CHAIN_ID);
    return rc == ZK_OK && id == ANVIL_CHAIN_ID;
}

#endif
