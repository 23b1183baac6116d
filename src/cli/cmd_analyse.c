/* detente analyse — placeholder until the module lands. */
#include "cli.h"

int dt_cli_analyse(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    dt_cli_errorf("'analyse' is not implemented yet");
    return DT_EXIT_INTERNAL;
}
