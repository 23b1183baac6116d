/* detente validate — placeholder until the module lands. */
#include "cli.h"

int dt_cli_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    dt_cli_errorf("'validate' is not implemented yet");
    return DT_EXIT_INTERNAL;
}
