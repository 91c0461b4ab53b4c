/* replay.c: runs a fuzz target (linked in) once over every file named on
 * the command line, without libFuzzer: the seed corpus and every input a
 * fuzzer found are replayed by `make check` in the ordinary builds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        size_t cap = 1 << 16, n = 0, k;
        uint8_t *buf = malloc(cap);
        while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
            n += k;
            if (n == cap) {
                uint8_t *b = realloc(buf, cap *= 2);
                if (!b) { free(buf); buf = NULL; }
                else buf = b;
            }
        }
        fclose(f);
        if (!buf) return 1;
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
