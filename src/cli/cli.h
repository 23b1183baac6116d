/* detente CLI — shared declarations. The CLI is a thin layer over the
 * public library API (include/detente/); it may print and exit, the
 * library may not. Exit status: 0 success, 1 bad input or usage, 2 internal
 * error (DESIGN.md). */
#ifndef DT_CLI_H
#define DT_CLI_H

enum { DT_EXIT_OK = 0, DT_EXIT_INPUT = 1, DT_EXIT_INTERNAL = 2 };

/* One function per sub-command; argv[0] is the command name. */
int dt_cli_code(int argc, char **argv);
int dt_cli_analyse(int argc, char **argv);
int dt_cli_validate(int argc, char **argv);
int dt_cli_dict(int argc, char **argv);
int dt_cli_eval(int argc, char **argv);
int dt_cli_report(int argc, char **argv);

/* Print "detente: " + message to stderr. */
void dt_cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
