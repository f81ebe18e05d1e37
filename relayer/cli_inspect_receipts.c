#include "relayer/cli.h"

/* Placeholder until the receipts decoder lands; replaced by the real command. */
int cli_inspect_receipts(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "zkrelay inspect receipts: not built yet\n");
    return CLI_FAILURE;
}
