#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
    /* The commands print their tables when they are done. One buffer that holds any of them
     * (help, a summary, a backtest's table) makes the final flush the write that fails on a
     * full disk, so that cli.c can say why; with the default 4 KB a longer text fails in an
     * earlier write whose reason is gone by then. */
    static char buffer[1 << 16];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    return bmc_cli_main(argc, argv, stdout, stderr);
}
