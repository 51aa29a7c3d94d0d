/* SPDX-License-Identifier: MIT */
/*
 * console_commands.c - prints every command of the console's dispatch
 * table, hidden ones included, one usage a line ("name" or "name args"), for
 * console_doc_check.sh to hold against docs/console.md's command table.
 * Printed from the table itself, so a command added or renamed in code
 * shows here without anyone listing it again.
 */
#include <stdio.h>

#include "console_internal.h"

int main(void)
{
    const struct console_command *k;
    for (size_t i = 0; (k = console_command_at(i)) != NULL; i++)
        printf("%s%s%s\n", k->name, k->args[0] ? " " : "", k->args);
    return 0;
}
