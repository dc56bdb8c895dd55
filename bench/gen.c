/* File generator for the benchmarks, so that both watchers see the same work at a pace
 * neither controls.
 *   gen mk  DIR N [BYTES] create N files DIR/f0..f(N-1) as fast as possible, empty or
 *                         of BYTES bytes each (one write)
 *   gen lat DIR N USEC    create N files, one every USEC µs, each named with its
 *                         CLOCK_MONOTONIC time in ns (for latency)
 *   gen now               print CLOCK_MONOTONIC in ns                                    */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  char path[4096];
  if (argc >= 2 && !strcmp(argv[1], "now")) { printf("%lld\n", now_ns()); return 0; }
  if (argc < 4) { fprintf(stderr, "usage: gen mk DIR N | gen lat DIR N USEC | gen now\n"); return 2; }
  long n = atol(argv[3]);
  if (!strcmp(argv[1], "mk")) {
    long bytes = argc >= 5 ? atol(argv[4]) : 0;
    char *data = bytes > 0 ? calloc(1, bytes) : NULL;
    for (long i = 0; i < n; i++) {
      snprintf(path, sizeof path, "%s/f%ld", argv[2], i);
      int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
      if (fd < 0) { perror(path); return 1; }
      if (bytes > 0 && write(fd, data, bytes) != bytes) { perror(path); return 1; }
      close(fd);
    }
    return 0;
  }
  if (!strcmp(argv[1], "lat") && argc >= 5) {
    long usec = atol(argv[4]);
    for (long i = 0; i < n; i++) {
      snprintf(path, sizeof path, "%s/%lld", argv[2], now_ns());
      int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
      if (fd < 0) { perror(path); return 1; }
      close(fd);
      usleep(usec);
    }
    return 0;
  }
  fprintf(stderr, "gen: unknown mode %s\n", argv[1]);
  return 2;
}
