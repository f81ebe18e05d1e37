/* Relay latency on the devnet: runs `make demo`'s script (scripts/demo.sh: two anvil chains,
 * the QBFT sealer, the contracts, one message, `zkrelay run` until the receiver has it) and
 * prints its summary — send, header proven, inclusion proven, delivered, each as seconds
 * after the send, with the gas of submitHeader and deliver — and the peak RSS of the largest
 * process it ran (the relayer while proving). The proving keys are cached in
 * build/demo-keys; a first run also makes them (minutes). ZK_BENCH_RELAY=0 skips it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    const char *e = getenv("ZK_BENCH_RELAY");
    if (e && !strcmp(e, "0")) {
        printf("relay: skipped (ZK_BENCH_RELAY=0)\n");
        return 0;
    }
    fflush(stdout);
    FILE *p = popen("bash scripts/demo.sh 2>&1", "r");
    if (!p) {
        perror("bench_relay: popen");
        return 1;
    }
    char line[512];
    int in_summary = 0;
    while (fgets(line, sizeof line, p)) {
        if (strstr(line, "==> summary")) in_summary = 1;
        if (in_summary || strstr(line, "demo: FAILED") || strstr(line, "key made in"))
            printf("relay: %s", line[0] == ' ' ? line + 4 : line);
    }
    int st = pclose(p);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("relay: peak RSS of the largest process %.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
