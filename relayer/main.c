/* bin/zkrelay: the command-line entry point. Dispatch only; each command lives in
 * its own file (cli_*.c). */
#include "relayer/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
