/* detente dict — placeholder until the module lands. */
#include "cli.h"

int dt_cli_dict(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    dt_cli_errorf("'dict' is not implemented yet");
    return DT_EXIT_INTERNAL;
}
