/* detente code — placeholder until the module lands. */
#include "cli.h"

int dt_cli_code(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    dt_cli_errorf("'code' is not implemented yet");
    return DT_EXIT_INTERNAL;
}
