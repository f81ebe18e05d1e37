#include "relayer/cli.h"

/* Placeholder until the header decoder lands; replaced by the real command. */
int cli_inspect_header(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "zkrelay inspect header: not built yet\n");
    return CLI_FAILURE;
}
